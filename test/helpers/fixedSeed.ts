import fc from 'fast-check';

/**
 * Property tests run the same cases on every `npm test`: a failure found once is found again, and a
 * green run stays green. A property that needs its own seed passes it to `fc.assert`.
 */
fc.configureGlobal({ seed: 20261201 });
