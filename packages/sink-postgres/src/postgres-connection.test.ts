import { connect, createServer } from "node:net";
import { inspect } from "node:util";
import { AuthError } from "@parley/core";
import { afterEach, describe, expect, test } from "vitest";
import { testServer } from "./__fixtures__/postgres-schemas.ts";
import { startRefusingServer } from "./__fixtures__/refusing-server.ts";
import { createPostgresSink } from "./postgres-sink.ts";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address !== null ? address.port : 0;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe("postgres connection", () => {
  test("a refused password becomes an AuthError that names the field and never contains the password", async () => {
    const server = await startRefusingServer();
    closers.push(server.close);
    const sink = createPostgresSink({
      host: "127.0.0.1",
      port: server.port,
      database: "test",
      user: "loader",
      password: "wrong-password-4711",
    });
    closers.push(() => sink.close());
    const error = await sink.query("SELECT 1").catch((caught: unknown) => caught);
    expect(server.passwords).toEqual(["wrong-password-4711"]);
    expect(AuthError.isInstance(error)).toBe(true);
    expect((error as AuthError).credential).toBe("password");
    expect((error as Error).message).toMatch(/loader@127\.0\.0\.1:\d+\/test.*sink\.password/);
    expect(inspect(error, { depth: 5 })).not.toContain("wrong-password-4711");
  });

  test("with a url, the error names the url's password and shows neither it nor the url", async () => {
    const server = await startRefusingServer();
    closers.push(server.close);
    const url = `postgres://loader:url-password-0815@127.0.0.1:${server.port}/test`;
    const sink = createPostgresSink({ url });
    closers.push(() => sink.close());
    const error = await sink.prepare([]).catch((caught: unknown) => caught);
    expect(server.passwords).toEqual(["url-password-0815"]);
    expect((error as AuthError).credential).toBe("url");
    expect(String(error)).toMatch(/the password in sink\.url/);
    expect(inspect(error, { depth: 5 })).not.toMatch(/url-password-0815|postgres:\/\/loader/);
  });

  test("an unknown role is reported as the user, not as a password problem (real server)", async () => {
    const sink = createPostgresSink({ ...testServer, user: "parley_no_such_role" });
    closers.push(() => sink.close());
    const error = await sink.query("SELECT 1").catch((caught: unknown) => caught);
    expect(AuthError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain("parley_no_such_role@");
    // Trust authentication says the role does not exist; password authentication will not say which was wrong.
    expect(message).toMatch(/has no role for the login .*check sink\.user|28P01.*sink\.user names an existing role/);
  });

  test("connects only on first use, and tries again after a failed connection", async () => {
    const port = await freePort();
    const sink = createPostgresSink({ ...testServer, port });
    closers.push(() => sink.close());
    await expect(sink.query("SELECT 1")).rejects.toThrow(/ECONNREFUSED/);
    // The server comes up (a forwarder to the real one on the same port): the next call must connect.
    const forwarder = createServer((socket) => {
      const upstream = connect(testServer.port, testServer.host);
      socket.pipe(upstream).pipe(socket);
      upstream.on("error", () => socket.destroy());
      socket.on("error", () => upstream.destroy());
    });
    await new Promise<void>((resolve) => forwarder.listen(port, "127.0.0.1", resolve));
    closers.unshift(() => new Promise((resolve) => forwarder.close(() => resolve())));
    expect(await sink.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
  });

  test("cancels statements that run longer than statementTimeoutMs", async () => {
    const sink = createPostgresSink({ ...testServer, statementTimeoutMs: 50 });
    closers.push(() => sink.close());
    await expect(sink.query("SELECT pg_sleep(5)")).rejects.toMatchObject({ code: "57014" });
    expect(await sink.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
  });
});
