import * as net from 'node:net';

/**
 * A port nothing listens on at this moment, for a server the harness starts (a broker container, a registry), or
 * for a client that must find nothing there. The system hands it out, so it lies in the ephemeral range: an outgoing
 * socket may take it later, so a server that must get the same port again after a restart needs one below that range.
 */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0];
}

/** Several such ports, held open together while they are handed out, so that no two are the same. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listening());
    return servers.map((server) => (server.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((closed) => server.close(closed))));
  }
}

function listening(): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
