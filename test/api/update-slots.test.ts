import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { UpdateSlots } from '../../api/update-slots.js';

describe('UpdateSlots', () => {
  it('keeps at most the given number of calls in flight per key, in arrival order', async () => {
    const slots = new UpdateSlots(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const work = (n: number) => async () => {
      running += 1;
      most = Math.max(most, running);
      await delay(10);
      order.push(n);
      running -= 1;
      return n;
    };
    const deadline = Date.now() + 5_000;
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => slots.run('evt', deadline, work(n))),
    );
    expect(results).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
    expect(order.slice(2)).toEqual([3, 4, 5]);
  });

  it('lets other keys through while one is full', async () => {
    const slots = new UpdateSlots(1);
    const deadline = Date.now() + 5_000;
    const slow = slots.run('a', deadline, () => delay(200).then(() => 'a'));
    const started = Date.now();
    expect(await slots.run('b', deadline, () => Promise.resolve('b'))).toBe('b');
    expect(Date.now() - started).toBeLessThan(150);
    expect(await slow).toBe('a');
  });

  it('answers null to a caller whose deadline passes in the queue', async () => {
    const slots = new UpdateSlots(1);
    const holding = slots.run('evt', Date.now() + 5_000, () => delay(100));
    expect(await slots.run('evt', Date.now() + 20, () => Promise.resolve('late'))).toBeNull();
    await holding;
    expect(await slots.run('evt', Date.now() + 1_000, () => Promise.resolve('next'))).toBe('next');
  });
});
