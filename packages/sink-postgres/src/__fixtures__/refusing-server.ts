import { createServer, type Server } from "node:net";

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, "latin1");
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

/**
 * A server that speaks just enough of the PostgreSQL protocol to ask for a password and refuse it
 * (SQLSTATE 28P01), as a server with password authentication does. Records the passwords it was sent.
 */
export async function startRefusingServer(): Promise<{ port: number; passwords: string[]; close(): Promise<void> }> {
  const passwords: string[] = [];
  const server: Server = createServer((socket) => {
    let received = Buffer.alloc(0);
    let started = false;
    socket.on("data", (data) => {
      received = Buffer.concat([received, data]);
      if (!started && received.length >= 4 && received.length >= received.readInt32BE(0)) {
        started = true;
        received = received.subarray(received.readInt32BE(0));
        const cleartext = Buffer.alloc(4);
        cleartext.writeInt32BE(3);
        socket.write(message("R", cleartext));
      }
      if (
        started &&
        received.length >= 5 &&
        received.toString("latin1", 0, 1) === "p" &&
        received.length >= 1 + received.readInt32BE(1)
      ) {
        passwords.push(received.toString("utf8", 5, received.readInt32BE(1)).replace(/\0$/, ""));
        const fields = ["SFATAL", "VFATAL", "C28P01", 'Mpassword authentication failed for user "loader"'];
        socket.end(message("E", Buffer.from(`${fields.join("\0")}\0\0`, "utf8")));
      }
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return { port, passwords, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
