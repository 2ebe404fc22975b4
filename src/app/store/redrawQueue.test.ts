// The chart redraw queue: one redraw at a time, a subscriber with nothing new passes its turn,
// a turn never said done expires.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RedrawQueue } from './useThrottledPoints.ts';

describe('RedrawQueue', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts the next redraw only when the previous one is done, and skips a subscriber with nothing new', () => {
    const queue = new RedrawQueue();
    const started: string[] = [];
    const a = (): boolean => (started.push('a'), true);
    const nothingNew = (): boolean => (started.push('n'), false);
    const c = (): boolean => (started.push('c'), true);
    queue.request(a);
    queue.request(nothingNew);
    queue.request(c);
    queue.request(c); // asked twice while waiting: one turn
    expect(started).toEqual(['a']);
    queue.done(c); // not its turn: c no longer waits, a still holds
    expect(started).toEqual(['a']);
    queue.request(c);
    queue.done(a);
    expect(started).toEqual(['a', 'n', 'c']);
    queue.done(c);
    queue.request(a);
    expect(started).toEqual(['a', 'n', 'c', 'a']);
  });

  it('releases a turn that is never said done after a few seconds', () => {
    vi.useFakeTimers();
    const queue = new RedrawQueue();
    const started: string[] = [];
    queue.request(() => (started.push('a'), true));
    queue.request(() => (started.push('b'), true));
    expect(started).toEqual(['a']);
    vi.advanceTimersByTime(2999);
    expect(started).toEqual(['a']);
    vi.advanceTimersByTime(1);
    expect(started).toEqual(['a', 'b']);
  });
});
