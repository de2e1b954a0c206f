import { expect } from 'chai';
import { ApiUrlError, parseApiUrl } from '../../src/api/contract/primitives.js';
import { AddressError, decodeAddress, encodeAddress } from '../../src/consensus/address.js';
import { DecodeError } from '../../src/consensus/byte-reader.js';
import { demo, regtest } from '../../src/consensus/params.js';
import { ApiError } from '../../src/api/errors.js';
import { describeError } from '../../wallet/cli-errors.js';

describe('parseApiUrl (the one parser of a node API URL)', () => {
  it('answers the origin and the /api/v1 base, with or without the prefix written', () => {
    expect(parseApiUrl('http://127.0.0.1:28443')).to.deep.equal({ origin: 'http://127.0.0.1:28443', base: 'http://127.0.0.1:28443/api/v1' });
    expect(parseApiUrl('https://node.example/api/v1/')).to.deep.equal({ origin: 'https://node.example', base: 'https://node.example/api/v1' });
  });

  for (const [what, value, words] of [
    ['a text that is no URL', 'nope', 'is not a URL'],
    ['a p2p address', 'ws://127.0.0.1:28444', "is not a node's API URL"],
    ['credentials', 'http://me:pw@127.0.0.1:1', "is not a node's API URL"],
    ['another path', 'http://127.0.0.1:1/status', "is not a node's API URL"],
    ['a query', 'http://127.0.0.1:1/?x=1', "is not a node's API URL"],
  ] as const) {
    it(`refuses ${what} with ApiUrlError (${words})`, () => {
      expect(() => parseApiUrl(value)).to.throw(ApiUrlError, words);
    });
  }
});

describe('AddressError (the one address parser, seen at each edge)', () => {
  const other = encodeAddress(new Uint8Array(32).fill(7), demo);

  it('is a DecodeError of the field address carrying the text and the bare reason', () => {
    const e = (() => {
      try {
        decodeAddress(other, regtest);
      } catch (err) {
        return err;
      }
    })();
    expect(e).to.be.instanceOf(AddressError).and.instanceOf(DecodeError);
    const a = e as AddressError;
    expect([a.field, a.address]).to.deep.equal(['address', other]);
    expect(a.reason).to.match(/^has network prefix "tc" but this network's prefix is "tcrt"/);
    expect(a.message).to.equal(`address at byte 0: ${a.reason}`);
  });

  it('is a 400 invalid-address in the API and bad-address (exit 1) in the wallet, with the same reason', () => {
    let err: unknown;
    try {
      decodeAddress('tcrt1qqqqbad', regtest);
    } catch (e) {
      err = e;
    }
    const api = ApiError.from(err);
    expect([api.status, api.code]).to.deep.equal([400, 'invalid-address']);
    const cli = describeError(err);
    expect([cli.code, cli.exitCode]).to.deep.equal(['bad-address', 1]);
    expect(cli.message).to.equal(`"tcrt1qqqqbad" is not a valid address here: ${(err as AddressError).reason}`);
    expect(api.message).to.include((err as AddressError).reason);
  });
});
