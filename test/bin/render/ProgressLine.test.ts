import { ProgressLine } from '../../../bin/render/ProgressLine';

function recorder(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (text: string) => writes.push(text) } };
}

describe('ProgressLine', () => {
  test('not a terminal: one plain line per N deliveries, nothing else', () => {
    // Arrange
    const { writes, stream } = recorder(false);
    const progress = new ProgressLine({ stream, every: 1000 });
    progress.total = 2500;
    // Act
    for (let i = 0; i < 2500; i++) progress.tick();
    progress.done();
    // Assert
    expect(writes).toEqual(['replay: 1000/2500 deliveries\n', 'replay: 2000/2500 deliveries\n']);
  });

  test('a terminal: redrawn in place at most every 100 ms, and cleared before alerts and at the end', () => {
    // Arrange
    const { writes, stream } = recorder(true);
    let clock = 0;
    const progress = new ProgressLine({ stream, now: () => clock });
    progress.total = 200;
    // Act
    progress.tick(); // drawn
    clock = 50;
    progress.tick(); // too soon
    clock = 150;
    progress.tick(); // drawn
    progress.clear();
    progress.done(); // nothing left to clear
    // Assert
    expect(writes).toEqual([
      '\r\u001b[Kreplay: 1/200 deliveries',
      '\r\u001b[Kreplay: 3/200 deliveries',
      '\r\u001b[K',
    ]);
  });

  test('a status line (the CloudWatch search) is drawn on a terminal only', () => {
    // Arrange
    const tty = recorder(true);
    const pipe = recorder(false);
    let clock = 0;
    const onTty = new ProgressLine({ stream: tty.stream, now: () => clock });
    const onPipe = new ProgressLine({ stream: pipe.stream, now: () => clock });
    // Act
    for (const line of [onTty, onPipe]) {
      line.update('searching g: 1 page');
      clock += 150;
      line.update('searching g: 2 pages');
      line.done();
    }
    // Assert
    expect(tty.writes).toEqual([
      '\r\u001b[Ksearching g: 1 page',
      '\r\u001b[Ksearching g: 2 pages',
      '\r\u001b[K',
    ]);
    expect(pipe.writes).toEqual([]);
  });

  test('without a known total, the count alone is shown', () => {
    const { writes, stream } = recorder(false);
    const progress = new ProgressLine({ stream, every: 2 });
    progress.tick();
    progress.tick();
    expect(writes).toEqual(['replay: 2 deliveries\n']);
  });
});
