export const apiVersion = 1 as const;
