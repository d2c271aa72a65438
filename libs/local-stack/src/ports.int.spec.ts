import * as net from 'node:net';
import { describePortOwner, isPortFree, portOwner } from './ports';

describe('ports (real sockets)', () => {
  it('sees a listener on a port and names the process that holds it', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      expect(await isPortFree(port)).toBe(false);
      expect(portOwner(port)?.pid).toBe(process.pid);
      expect(describePortOwner(port)).toBe(`port ${port} in use by pid ${process.pid} (node)`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await isPortFree(port)).toBe(true);
  });
});
