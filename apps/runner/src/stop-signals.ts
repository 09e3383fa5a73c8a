/**
 * SIGINT (Ctrl-C) and SIGTERM (kill, CI cancels, Kubernetes) stop a run the same way: the first one aborts the
 * returned signal, so the run stores what its checkpoints cover and records the load as interrupted (exit 3);
 * a second one exits at once, with 128 + the signal's number as shells report it.
 */
export function stopOnSignals(): AbortSignal {
  const controller = new AbortController();
  const signalNumbers = { SIGINT: 2, SIGTERM: 15 } as const;
  for (const name of ["SIGINT", "SIGTERM"] as const) {
    process.on(name, () => {
      if (controller.signal.aborted) process.exit(128 + signalNumbers[name]);
      controller.abort(new Error(`interrupted by ${name}`));
    });
  }
  return controller.signal;
}
