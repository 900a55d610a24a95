import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** An attachment as Claude Code records it in a transcript (`{type: 'environment', snapshot}`, …). */
export type Attachment = Record<string, unknown> & { type: string };

interface Learned {
  environment: Attachment | undefined;
  models: Record<string, Attachment>;
  /** The model id each alias last resolved to (Claude Code's model list may not be in yet after a restart). */
  aliases: Record<string, string>;
}

/** Local date as Claude Code writes it in its date note. */
export function localDate(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * The notes Claude Code adds after the first message of every conversation
 * (its environment: working folder, platform, shell; the model's name; the
 * date), as it records them in its transcripts.
 *
 * A conversation that continues in a live process has them after its first
 * message. A cold turn resumes a transcript the bridge writes; unless that
 * transcript records the notes as Claude Code itself would, Claude Code puts
 * them after the last message instead, and Claude receives a different
 * conversation (whose prompt-cache prefix differs from the second message
 * on). The bridge cannot compute them reliably (Claude Code probes the shell,
 * for one), so it learns them from the transcripts its own runs write, and
 * keeps them in a small file so that a restart does not lose them.
 */
export class ConversationPreamble {
  private learned: Learned = { environment: undefined, models: {}, aliases: {} };

  constructor(private readonly file: string | undefined) {
    if (!file) return;
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<Learned>;
      if (isAttachment(saved.environment, 'environment')) this.learned.environment = saved.environment;
      for (const [id, model] of Object.entries(saved.models ?? {})) if (isAttachment(model, 'model')) this.learned.models[id] = model;
      for (const [alias, id] of Object.entries(saved.aliases ?? {})) if (typeof id === 'string') this.learned.aliases[alias] = id;
    } catch {
      // nothing saved yet
    }
  }

  /** Whether the notes for this model are known. */
  knows(modelId: string | undefined): boolean {
    return this.learned.environment !== undefined && modelId !== undefined && this.learned.models[modelId] !== undefined;
  }

  /**
   * The model id a request names: the one Claude Code's model list resolved
   * its alias to, or else the one that alias resolved to when last known.
   */
  modelFor(alias: string, resolvedId: string | undefined): string | undefined {
    if (resolvedId === undefined) return this.learned.aliases[alias];
    if (this.learned.aliases[alias] !== resolvedId) {
      this.learned.aliases[alias] = resolvedId;
      this.save();
    }
    return resolvedId;
  }

  /**
   * Learn from a transcript Claude Code wrote: its environment and model
   * notes (after the first message of a conversation it began, after the
   * new prompt of one it resumed).
   */
  learn(entries: ReadonlyArray<Record<string, unknown>>): void {
    let changed = false;
    for (const entry of entries) {
      if (entry.type !== 'attachment') continue;
      const attachment = entry.attachment;
      if (isAttachment(attachment, 'environment') && !sameJson(attachment, this.learned.environment)) {
        this.learned.environment = attachment;
        changed = true;
      }
      if (isAttachment(attachment, 'model')) {
        const id = (attachment.identity as { modelId?: unknown } | undefined)?.modelId;
        if (typeof id === 'string' && !sameJson(attachment, this.learned.models[id])) {
          this.learned.models[id] = attachment;
          changed = true;
        }
      }
    }
    if (changed) this.save();
  }

  /**
   * The attachments to record after a synthesised conversation's first
   * message, in Claude Code's order, or undefined when they are not known
   * for this model yet (Claude Code then adds its notes itself).
   */
  attachments(modelId: string | undefined, now = new Date()): Attachment[] | undefined {
    if (!this.knows(modelId)) return undefined;
    return [this.learned.environment!, this.learned.models[modelId!]!, { type: 'date', date: localDate(now) }];
  }

  private save(): void {
    if (!this.file) return;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      writeFileSync(this.file, JSON.stringify(this.learned), { mode: 0o600 });
    } catch {
      // kept in memory: only a restart loses it
    }
  }
}

function isAttachment(value: unknown, type: string): value is Attachment {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === type;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
