/**
 * How to type `parley` in the shell that started this process, for the commands Parley suggests: through the
 * workspace script (no global pnpm needed), through npx for a local install, or the bare name when on PATH.
 */
export function parleyCommand(environment: NodeJS.ProcessEnv): string {
  if (environment.npm_lifecycle_event === "parley" || environment.npm_lifecycle_event === "demo")
    return "npx -y pnpm@12 parley";
  if (environment.npm_lifecycle_event === "npx") return "npx parley";
  return "parley";
}
