import { InvalidCostError, InvalidOptionsError, TwoRateThreeColorMarker } from '../../src';
import { FakeClock } from '../support/fake-clock';

describe('TwoRateThreeColorMarker (RFC 2698)', () => {
  // CIR 1000 B/s with CBS 1500 B; PIR 2000 B/s with PBS 3000 B.
  const make = (clock: FakeClock, mode: 'color-blind' | 'color-aware' = 'color-blind') =>
    new TwoRateThreeColorMarker({ cir: 1000, cbs: 1500, pir: 2000, pbs: 3000, mode, clock: clock.now });

  it('color-blind: green within CBS, yellow within PBS, red beyond', () => {
    const clock = new FakeClock();
    const marker = make(clock);
    expect(marker.mark('k', 1000)).toBe('green'); // P 2000, C 500
    expect(marker.mark('k', 1000)).toBe('yellow'); // C 500 < 1000 → P 1000
    expect(marker.mark('k', 1000)).toBe('yellow'); // P 0
    expect(marker.mark('k', 1)).toBe('red'); // P < 1: red does not consume
    clock.advance(500); // P += 1000, C += 500 → P 1000, C 1000
    expect(marker.mark('k', 1000)).toBe('green');
    expect(marker.mark('k', 1)).toBe('red');
  });

  it('a red packet consumes nothing; a yellow one consumes only the peak bucket', () => {
    const clock = new FakeClock();
    const marker = make(clock);
    expect(marker.mark('k', 3001)).toBe('red');
    expect(marker.mark('k', 1500)).toBe('green'); // C 0, P 1500
    expect(marker.mark('k', 1500)).toBe('yellow'); // P 0
    clock.advance(1000); // P 2000, C 1000
    expect(marker.mark('k', 1000)).toBe('green');
  });

  it('color-aware: never improves a pre-color; a red pre-color stays red and consumes nothing', () => {
    const clock = new FakeClock();
    const marker = make(clock, 'color-aware');
    expect(marker.mark('k', 3000, 'red')).toBe('red');
    expect(marker.mark('k', 1000, 'yellow')).toBe('yellow'); // P 2000, C still 1500
    expect(marker.mark('k', 1500, 'green')).toBe('green'); // P 500, C 0
    expect(marker.mark('k', 500, 'green')).toBe('yellow');
    expect(marker.mark('k', 1, 'green')).toBe('red');
  });

  it('color-blind ignores the pre-color', () => {
    const marker = make(new FakeClock());
    expect(marker.mark('k', 100, 'red')).toBe('green');
  });

  it('keys are independent; reset refills', () => {
    const marker = make(new FakeClock());
    marker.mark('a', 3000);
    expect(marker.mark('b', 1000)).toBe('green');
    expect(marker.mark('a', 1)).toBe('red');
    marker.reset('a');
    expect(marker.mark('a', 1000)).toBe('green');
  });

  it('rejects bad parameters and sizes', () => {
    expect(() => new TwoRateThreeColorMarker({ cir: 2000, cbs: 1, pir: 1000, pbs: 1 })).toThrow(InvalidOptionsError);
    expect(() => new TwoRateThreeColorMarker({ cir: 0, cbs: 1, pir: 1000, pbs: 1 })).toThrow(/cir/);
    expect(() => make(new FakeClock()).mark('k', 0)).toThrow(InvalidCostError);
  });
});
