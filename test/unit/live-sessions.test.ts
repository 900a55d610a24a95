import { describe, expect, test, vi } from 'vitest';
import type { ClaudeSession } from '../../src/claude/claude-session.js';
import { conversationKey, sessionContext } from '../../src/claude/conversation-key.js';
import { LiveSessions } from '../../src/claude/live-sessions.js';
import { plainRequest, type Turn } from '../../src/core/types.js';

function fakeSession(): ClaudeSession & { closedCount: number } {
  const s = {
    closedCount: 0,
    isClosed: false,
    get closed() {
      return this.isClosed;
    },
    close() {
      this.isClosed = true;
      this.closedCount++;
    },
    process: { setRole: () => undefined },
  };
  return s as unknown as ClaudeSession & { closedCount: number };
}

describe('LiveSessions', () => {
  test('a parked session is handed out once, under its key', () => {
    const live = new LiveSessions({ max: 2, ttlMs: 60_000 });
    const s = fakeSession();
    live.park('k', s);
    expect(live.take('other')).toBeUndefined();
    expect(live.take('k')).toBe(s);
    expect(live.take('k')).toBeUndefined();
    expect(s.closedCount).toBe(0);
  });

  test('the oldest is let go when the cache is full', () => {
    const live = new LiveSessions({ max: 2, ttlMs: 60_000 });
    const [a, b, c] = [fakeSession(), fakeSession(), fakeSession()];
    live.park('a', a);
    live.park('b', b);
    live.park('c', c);
    expect(a.closedCount).toBe(1);
    expect(live.take('a')).toBeUndefined();
    expect(live.stats().parked).toBe(2);
  });

  test('a session waits no longer than its time to live', () => {
    vi.useFakeTimers();
    try {
      const live = new LiveSessions({ max: 2, ttlMs: 1000 });
      const s = fakeSession();
      live.park('k', s);
      vi.advanceTimersByTime(1001);
      expect(s.closedCount).toBe(1);
      expect(live.take('k')).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  test('with no room at all, parking just ends the session', () => {
    const live = new LiveSessions({ max: 0, ttlMs: 1000 });
    const s = fakeSession();
    live.park('k', s);
    expect(s.closedCount).toBe(1);
  });
});

describe('conversationKey', () => {
  const user = (text: string): Turn => ({ role: 'user', content: [{ type: 'text', text }] });
  const assistant = (...texts: string[]): Turn => ({ role: 'assistant', content: texts.map((text) => ({ type: 'text' as const, text })) });
  const ctx = sessionContext(plainRequest([user('a')]), 'sonnet', 'system');

  test('an answer as the client sends it back matches the answer as it was given', () => {
    // Given as one text block (with thinking beside it); sent back as one string.
    const given: Turn = { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 's' }, { type: 'text', text: 'Hello world' }] };
    expect(conversationKey(ctx, [user('a'), given])).toBe(conversationKey(ctx, [user('a'), assistant('Hello ', 'world')]));
  });

  test('anything else that differs gives another key', () => {
    const base = conversationKey(ctx, [user('a'), assistant('b')]);
    expect(conversationKey(ctx, [user('a'), assistant('b!')])).not.toBe(base);
    expect(conversationKey({ ...ctx, model: 'haiku' }, [user('a'), assistant('b')])).not.toBe(base);
    expect(conversationKey({ ...ctx, system: 'other' }, [user('a'), assistant('b')])).not.toBe(base);
    expect(conversationKey({ ...ctx, effort: 'high' }, [user('a'), assistant('b')])).not.toBe(base);
  });
});
