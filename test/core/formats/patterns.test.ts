import { FILTER_TERMS } from '../../../lambda/core/constants';
import { prefilter } from '../../../lambda/core/diagnose/prefilter';
import { matchApiGateway } from '../../../lambda/core/formats/matchApiGateway';
import { matchHttpApi } from '../../../lambda/core/formats/matchHttpApi';
import { matchInvokeDenied } from '../../../lambda/core/formats/matchInvokeDenied';
import { PATTERNS } from '../../../lambda/core/formats/patterns';

describe('PATTERNS table', () => {
  test.each(PATTERNS)('$name: needle is a filter term, example matches marker and regex', (row) => {
    expect(FILTER_TERMS).toContain(row.needle);
    expect(row.marker).toContain(row.needle);
    expect(row.example).toContain(row.marker);
    expect(row.regex.test(row.example)).toBe(true);
    expect(prefilter(row.example)).toBe(true);
  });

  test.each(PATTERNS)('$name: its example is diagnosed as $kind', (row) => {
    const kinds =
      row.family === 'iam'
        ? matchInvokeDenied(row.example).map(() => 'invoke-access-denied')
        : [
            (row.family === 'rest' ? matchApiGateway(row.example) : matchHttpApi(row.example))
              ?.kind,
          ];
    expect(kinds).toEqual([row.kind]);
  });

  test('the prefilter is exactly the subscription filter terms', () => {
    for (const term of FILTER_TERMS) expect(prefilter(`x ${term} y`)).toBe(true);
    expect(
      prefilter('REPORT RequestId: 6234bffe-149a-b642-81ff-2e8e376d8aff\tDuration: 46.84 ms'),
    ).toBe(false);
  });
});
