import { expect } from 'chai';
import { PeerBook, peerHost, resolveAnnouncedApi } from '../../src/devnet/watched-peers.js';

const base = (url: string): string => `${url}/api/v1`;

describe('watched peers: announced APIs and bans', () => {
  it('keeps an announced API as it is, and fills an unspecified host with the address the peer connected from', () => {
    expect(resolveAnnouncedApi('http://192.0.2.7:28443', '198.51.100.1:50000')).to.equal('http://192.0.2.7:28443');
    expect(resolveAnnouncedApi('http://0.0.0.0:28443', '192.168.1.23:51234')).to.equal('http://192.168.1.23:28443');
    expect(resolveAnnouncedApi('http://0.0.0.0:28443', 'ws://192.168.1.10:28444')).to.equal('http://192.168.1.10:28443');
    expect(resolveAnnouncedApi('http://[::]:28443', 'fe80::1:51234')).to.equal('http://[fe80::1]:28443');
    expect(resolveAnnouncedApi('http://0.0.0.0:28443', 'nonsense')).to.equal(undefined);
  });

  it('reads the host of an inbound (HOST:PORT) and an outbound (ws://HOST:PORT) peer address, IPv4-mapped made plain', () => {
    expect(peerHost('::ffff:10.0.0.5:4000')).to.deep.equal({ host: '10.0.0.5', port: 4000 });
    expect(peerHost('ws://[::1]:28444')).to.deep.equal({ host: '::1', port: 28444 });
  });

  it('names the banned node by the connection key the banning node uses: host:port on loopback, the host on a LAN', () => {
    const book = new PeerBook();
    book.learn(0, [
      { address: '127.0.0.1:50001', direction: 'inbound', apiUrl: 'http://0.0.0.0:39001' },
      { address: '127.0.0.1:50002', direction: 'inbound', apiUrl: 'http://127.0.0.1:39002' },
      { address: '192.168.1.23:51234', direction: 'inbound', apiUrl: 'http://0.0.0.0:28443' },
      { address: '127.0.0.1:50003', direction: 'inbound' },
    ], base);
    expect(book.banned(0, '127.0.0.1:50002', 'invalid-block: x', 1)).to.equal('http://127.0.0.1:39002/api/v1');
    expect(book.banned(0, '192.168.1.23', 'invalid-block: y', 2)).to.equal('http://192.168.1.23:28443/api/v1');
    // A connection that announced nothing, or another node's ban of it, names nobody.
    expect(book.banned(0, '127.0.0.1:50003', 'flood', 3)).to.equal(undefined);
    expect(book.banned(1, '127.0.0.1:50002', 'flood', 4)).to.equal(undefined);
    expect(book.bansOf('http://127.0.0.1:39002/api/v1')).to.deep.equal([{ node: 0, address: '127.0.0.1:50002', reason: 'invalid-block: x', atMs: 1 }]);
    expect(book.bansOf('http://127.0.0.1:39001/api/v1')).to.deep.equal([]);
  });
});
