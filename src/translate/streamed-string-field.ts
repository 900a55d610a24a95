const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/**
 * The value of one string field of a JSON object, decoded as the object's
 * text arrives in pieces: Claude streams a custom tool's input as the JSON
 * `{"input": "…"}`, and the client should receive the string itself as it
 * is written, not the JSON around it. Each `push` returns the newly decoded
 * text; an escape split across pieces, or the first half of a surrogate
 * pair, waits for the next piece, so every delta is well-formed text.
 * Should the object not start with that field, nothing is streamed and
 * `value()` still gives the field from the whole object.
 */
export class StreamedStringField {
  private raw = '';
  private state: 'seek' | 'string' | 'done' | 'other' = 'seek';
  /** Where decoding continues in `raw`. */
  private at = 0;
  private held = '';
  private readonly opening: RegExp;

  constructor(private readonly field: string) {
    this.opening = new RegExp(`^\\s*\\{\\s*${JSON.stringify(field).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:\\s*"`);
  }

  push(piece: string): string {
    this.raw += piece;
    if (this.state === 'seek') {
      const match = this.opening.exec(this.raw);
      if (match) {
        this.state = 'string';
        this.at = match[0].length;
      } else if (!this.couldStillOpen()) {
        this.state = 'other';
      }
    }
    return this.state === 'string' ? this.decode() : '';
  }

  /** The field's whole value, from the complete JSON ('' when there is none). */
  value(): string {
    try {
      const parsed = JSON.parse(this.raw) as Record<string, unknown>;
      const value = parsed[this.field];
      return typeof value === 'string' ? value : '';
    } catch {
      return '';
    }
  }

  /** Whether the text so far is still a prefix of `{"<field>": "`. */
  private couldStillOpen(): boolean {
    const compact = this.raw.replace(/\s+/g, '');
    const target = `{${JSON.stringify(this.field)}:"`;
    return target.startsWith(compact);
  }

  private decode(): string {
    let out = '';
    const raw = this.raw;
    while (this.at < raw.length) {
      const char = raw[this.at]!;
      if (char === '"') {
        this.state = 'done';
        this.at++;
        break;
      }
      if (char !== '\\') {
        out += char;
        this.at++;
        continue;
      }
      const kind = raw[this.at + 1];
      if (kind === undefined) break;
      if (kind === 'u') {
        const hex = raw.slice(this.at + 2, this.at + 6);
        if (hex.length < 4) break;
        out += String.fromCharCode(parseInt(hex, 16));
        this.at += 6;
        continue;
      }
      out += ESCAPES[kind] ?? kind;
      this.at += 2;
    }
    const text = this.held + out;
    // A high surrogate alone is half a character: keep it for the next piece.
    const last = text.charCodeAt(text.length - 1);
    if (this.state === 'string' && text.length > 0 && isHighSurrogate(last)) {
      this.held = text.slice(-1);
      return text.slice(0, -1);
    }
    this.held = '';
    return text;
  }
}
