import { parseArgs } from '../../bench/parseArgs';

describe('parseArgs', () => {
  test('reads --quick and --json FILE / --json=FILE, rejects anything else', () => {
    expect(parseArgs([])).toEqual({ quick: false, json: null });
    expect(parseArgs(['--quick', '--json', 'out.json'])).toEqual({ quick: true, json: 'out.json' });
    expect(parseArgs(['--json=r.json'])).toEqual({ quick: false, json: 'r.json' });
    expect(() => parseArgs(['--json'])).toThrow('--json needs a file name');
    expect(() => parseArgs(['--fast'])).toThrow('unknown argument --fast');
  });
});
