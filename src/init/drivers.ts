/** The drivers `tyk-ts init` has templates for (a module of its own so `--help` can list them cheaply). */
export const INIT_DRIVERS = ["python", "grpc", "goplugin", "lua", "otto"] as const;
export type InitDriver = (typeof INIT_DRIVERS)[number];
