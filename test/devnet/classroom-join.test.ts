import { expect } from 'chai';
import { checkJoinHost, joinHostOf, lanAddresses } from '../../src/devnet/classroom.js';
import { UsageError } from '../../src/node/config.js';

describe('classroom: the address students are told', () => {
  it('uses --join-host first, then a listen host that is one address, then the first LAN address', () => {
    expect(joinHostOf({ joinHost: 'teacher.local', p2pHost: '0.0.0.0' })).to.equal('teacher.local');
    expect(joinHostOf({ joinHost: undefined, p2pHost: '192.0.2.4' })).to.equal('192.0.2.4');
    expect(joinHostOf({ joinHost: undefined, p2pHost: '0.0.0.0' })).to.equal(lanAddresses()[0] ?? '127.0.0.1');
  });

  it('refuses a --join-host that is not a host name or an IP address, saying what to give', () => {
    expect(checkJoinHost('[fe80::1]')).to.equal('fe80::1');
    expect(() => checkJoinHost('my laptop')).to.throw(UsageError, /--join-host: 'my laptop' is not a host name/);
    expect(() => checkJoinHost('http://192.0.2.4')).to.throw(UsageError);
  });
});
