import { expect } from 'chai';
import { jsSearch } from '../helpers/header-search.js';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { bitsForHashes, mineGenesis } from '../../src/node/network-create.js';
import { encodeNetworkFile, NetworkFileError } from '../../src/node/network-file.js';
import { fetchNetworkFile, MAX_NETWORK_FILE_BYTES, readNetworkFileFrom } from '../../src/node/network-file-url.js';


async function refusal(run: () => Promise<unknown>): Promise<NetworkFileError> {
  try {
    await run();
  } catch (e) {
    if (e instanceof NetworkFileError) return e;
    throw e;
  }
  throw new Error('the network file was accepted');
}

describe('network file from a URL (toychain node --network-file http://…)', function () {
  this.timeout(20_000);
  let server: Server;
  let base = '';
  let fileText = '';
  /** what each path answers */
  const routes: Record<string, (res: ServerResponse) => void> = {};

  before(async () => {
    const params = await mineGenesis({ name: 'class', targetSpacing: 10, retargetInterval: 20, coinbaseMaturity: 10, addressPrefix: 'tcclass', bits: bitsForHashes(100), time: 1_796_000_000, magic: 0x11223344 }, jsSearch);
    fileText = encodeNetworkFile(params);
    routes['/class.json'] = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(fileText);
    routes['/corrupt.json'] = (res) => res.writeHead(200).end(fileText.replace(/"nonce": \d+/, '"nonce": 1'));
    routes['/big.json'] = (res) => res.writeHead(200).end('x'.repeat(MAX_NETWORK_FILE_BYTES + 1));
    // No content-length: the size is only known by reading, and reading stops at the bound.
    routes['/endless.json'] = (res) => {
      res.writeHead(200);
      const chunk = ' '.repeat(16 * 1024);
      for (let i = 0; i < 8; i++) res.write(chunk);
      res.end();
    };
    routes['/slow.json'] = () => undefined; // never answers
    routes['/moved.json'] = (res) => res.writeHead(302, { location: '/class.json' }).end();
    server = createServer((req, res) => (routes[req.url ?? ''] ?? ((r: ServerResponse) => r.writeHead(404).end('not found')))(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const a = server.address();
    base = `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}`;
  });

  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('reads the network a URL serves, as the file itself would be read', async () => {
    const params = await readNetworkFileFrom(`${base}/class.json`);
    expect([params.name, params.targetSpacing, params.coinbaseMaturity]).to.deep.equal(['class', 10, 10]);
  });

  it('refuses an answer that is not 200 (network-file-http-status), a redirect included', async () => {
    expect((await refusal(() => fetchNetworkFile(`${base}/nope.json`))).code).to.equal('network-file-http-status');
    const moved = await refusal(() => fetchNetworkFile(`${base}/moved.json`));
    expect([moved.code, moved.message.includes('HTTP 302')]).to.deep.equal(['network-file-http-status', true]);
  });

  it('refuses more than the size bound, declared or streamed (network-file-too-large)', async () => {
    expect((await refusal(() => fetchNetworkFile(`${base}/big.json`))).code).to.equal('network-file-too-large');
    expect((await refusal(() => fetchNetworkFile(`${base}/endless.json`))).code).to.equal('network-file-too-large');
  });

  it('gives up on a server that does not answer, within the timeout (network-file-unreachable)', async () => {
    const e = await refusal(() => fetchNetworkFile(`${base}/slow.json`, 300));
    expect(e.code).to.equal('network-file-unreachable');
    expect(e.message).to.include('no answer within 0.3 s');
  });

  it('names a refused connection (network-file-unreachable, ECONNREFUSED)', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const a = probe.address();
    await new Promise((resolve) => probe.close(resolve));
    const e = await refusal(() => fetchNetworkFile(`http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}/class.json`));
    expect(e.code).to.equal('network-file-unreachable');
    expect(e.message).to.include('ECONNREFUSED');
  });

  it('refuses a URL that is not http(s) or carries a user name (network-file-bad-url)', async () => {
    expect((await refusal(() => fetchNetworkFile('ftp://127.0.0.1/class.json'))).code).to.equal('network-file-bad-url');
    expect((await refusal(() => fetchNetworkFile('http://me:pw@127.0.0.1/class.json'))).code).to.equal('network-file-bad-url');
  });

  it('checks the served genesis like a file: a corrupted one is refused (network-genesis-mismatch)', async () => {
    expect((await refusal(() => fetchNetworkFile(`${base}/corrupt.json`))).code).to.equal('network-genesis-mismatch');
  });
});
