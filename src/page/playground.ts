import type { StatusReport } from '../status-api/status-api-types.js';
import { errorMessage, Unauthorized, type ApiClient } from './api-client.js';
import { byId, el, setText } from './dom.js';
import { formatMs, formatTokens } from './format.js';
import { readEvents } from './read-events.js';
import { snippet, type SnippetLanguage } from './snippets.js';

interface Turn {
  role: 'user' | 'assistant';
  content: string;
}

interface ChunkShape {
  model?: string;
  choices?: Array<{ delta?: { content?: string | null; reasoning_content?: string | null }; finish_reason?: string | null }>;
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  error?: { message?: string; code?: string };
}

/**
 * A chat against the bridge's own POST /v1/chat/completions, streamed, with
 * the conversation kept in the page and sent whole with each message, as any
 * client does. An exchange joins the conversation only when its answer
 * completed. Beside it, client code for the same request.
 */
export class Playground {
  private history: Turn[] = [];
  private running: AbortController | undefined;
  private language: SnippetLanguage = 'curl';

  constructor(
    private readonly api: ApiClient,
    private readonly authRequired: () => boolean,
    private readonly onUnauthorized: () => void,
  ) {
    byId<HTMLFormElement>('pg-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
    byId<HTMLTextAreaElement>('pg-message').addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        void this.send();
      }
    });
    byId('pg-stop').addEventListener('click', () => this.running?.abort());
    byId('pg-new').addEventListener('click', () => this.reset());
    for (const id of ['pg-model', 'pg-system', 'pg-message']) byId(id).addEventListener('input', () => this.updateSnippet());
    for (const tab of document.querySelectorAll<HTMLButtonElement>('#pg-tabs [role="tab"]')) {
      tab.addEventListener('click', () => this.showLanguage(tab.dataset.language as SnippetLanguage));
    }
    byId('pg-copy').addEventListener('click', () => void this.copySnippet());
    this.updateSnippet();
  }

  /** Offer the models Claude Code lists, keeping the choice made. */
  setModels(models: StatusReport['models']['entries']): void {
    const select = byId<HTMLSelectElement>('pg-model');
    const chosen = select.value;
    select.replaceChildren(
      ...models.map((m) => el('option', { text: m.resolvedId && m.resolvedId !== m.alias ? `${m.alias} (${m.resolvedId})` : m.alias, attrs: { value: m.alias } })),
    );
    if (models.some((m) => m.alias === chosen)) select.value = chosen;
    this.updateSnippet();
  }

  private reset(): void {
    this.running?.abort();
    this.history = [];
    byId('pg-conversation').replaceChildren();
    setText(byId('pg-meta'), '');
    byId<HTMLTextAreaElement>('pg-message').focus();
  }

  private setRunning(controller: AbortController | undefined): void {
    this.running = controller;
    byId<HTMLButtonElement>('pg-send').disabled = controller !== undefined;
    byId('pg-stop').hidden = controller === undefined;
    byId('playground').classList.toggle('busy', controller !== undefined);
  }

  private async send(): Promise<void> {
    const input = byId<HTMLTextAreaElement>('pg-message');
    const text = input.value;
    if (this.running || text.trim() === '') return;
    const model = byId<HTMLSelectElement>('pg-model').value;
    const system = byId<HTMLTextAreaElement>('pg-system').value;
    const turns: Turn[] = [...this.history, { role: 'user', content: text }];
    const messages = system.trim() === '' ? turns : [{ role: 'system', content: system }, ...turns];

    const conversation = byId('pg-conversation');
    const userBubble = el('div', { class: 'bubble user' }, el('div', { class: 'who', text: 'You' }), el('div', { class: 'text', text }));
    const answerText = el('div', { class: 'text' });
    const thinking = el('details', { class: 'thinking', attrs: { hidden: '' } }, el('summary', { text: 'Thinking' }), el('div', { class: 'text' }));
    const answerBubble = el('div', { class: 'bubble assistant streaming', attrs: { 'aria-busy': 'true' } }, el('div', { class: 'who', text: 'Claude' }), thinking, answerText);
    conversation.append(userBubble, answerBubble);
    answerBubble.scrollIntoView({ block: 'nearest' });
    input.value = '';
    this.updateSnippet();
    setText(byId('pg-meta'), 'Waiting for the first token…');

    const controller = new AbortController();
    this.setRunning(controller);
    const started = performance.now();
    let firstTokenMs: number | undefined;
    let content = '';
    let reasoning = '';
    let answeredBy = model;
    let finish: string | null = null;
    let usage: { input: number; output: number } | null = null;
    let done = false;
    try {
      const res = await this.api.fetch('/v1/chat/completions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ model, stream: true, stream_options: { include_usage: true }, messages }),
        signal: controller.signal,
      });
      if (!res.ok || !res.body) throw new Error(await errorMessage(res));
      await readEvents(res.body, (event) => {
        if (event.data === '[DONE]') {
          done = true;
          return;
        }
        const chunk = JSON.parse(event.data) as ChunkShape;
        if (chunk.error) throw new Error(chunk.error.message ?? 'The answer ended with an error.');
        if (chunk.model) answeredBy = chunk.model;
        if (chunk.usage) usage = { input: chunk.usage.prompt_tokens, output: chunk.usage.completion_tokens };
        const choice = chunk.choices?.[0];
        if (!choice) return;
        const delta = choice.delta ?? {};
        if ((delta.content || delta.reasoning_content) && firstTokenMs === undefined) {
          firstTokenMs = performance.now() - started;
          setText(byId('pg-meta'), `First token after ${formatMs(firstTokenMs)}…`);
        }
        if (delta.reasoning_content) {
          reasoning += delta.reasoning_content;
          thinking.hidden = false;
          setText(thinking.querySelector('.text')!, reasoning);
        }
        if (delta.content) {
          content += delta.content;
          setText(answerText, content);
        }
        if (choice.finish_reason) finish = choice.finish_reason;
      });
      if (!done) throw new Error('The answer broke off before it was complete.');
      this.history = [...turns, { role: 'assistant', content }];
      if (content === '') setText(answerText, '(no text)');
      setText(
        byId('pg-meta'),
        [answeredBy, `first token ${formatMs(firstTokenMs ?? null)}`, `total ${formatMs(performance.now() - started)}`, `tokens ${formatTokens(usage)}`, finish ? `finish ${finish}` : null]
          .filter(Boolean)
          .join(' · '),
      );
    } catch (err) {
      // The exchange stays on screen, marked, but is not part of the conversation sent next time.
      userBubble.classList.add('dropped');
      answerBubble.classList.add('dropped');
      const stopped = controller.signal.aborted;
      answerBubble.append(el('p', { class: stopped ? 'muted' : 'error', text: stopped ? 'Stopped.' : (err as Error).message }));
      setText(byId('pg-meta'), stopped ? 'Stopped: this exchange is left out of the conversation.' : 'Failed: this exchange is left out of the conversation.');
      if (err instanceof Unauthorized) this.onUnauthorized();
    } finally {
      answerBubble.classList.remove('streaming');
      answerBubble.removeAttribute('aria-busy');
      this.setRunning(undefined);
    }
  }

  private snippetInput() {
    return {
      baseUrl: `${location.origin}/v1`,
      model: byId<HTMLSelectElement>('pg-model').value || 'default',
      system: byId<HTMLTextAreaElement>('pg-system').value,
      message: byId<HTMLTextAreaElement>('pg-message').value,
      authRequired: this.authRequired(),
    };
  }

  updateSnippet(): void {
    setText(byId('pg-snippet'), snippet(this.language, this.snippetInput()));
  }

  private showLanguage(language: SnippetLanguage): void {
    this.language = language;
    for (const tab of document.querySelectorAll<HTMLButtonElement>('#pg-tabs [role="tab"]')) {
      tab.setAttribute('aria-selected', String(tab.dataset.language === language));
    }
    this.updateSnippet();
  }

  private async copySnippet(): Promise<void> {
    const text = byId('pg-snippet').textContent ?? '';
    const button = byId('pg-copy');
    try {
      await navigator.clipboard.writeText(text);
      setText(button, 'Copied');
    } catch {
      // Without clipboard access (a page not served from localhost or HTTPS), select it for Ctrl-C.
      const range = document.createRange();
      range.selectNodeContents(byId('pg-snippet'));
      const selection = getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
      setText(button, 'Selected: press Ctrl-C');
    }
    window.setTimeout(() => setText(button, 'Copy'), 2000);
  }
}
