// The server serves eventsource-parser's browser build at this path (see
// src/http/page-assets.ts); its types come from the package itself.
export * from 'eventsource-parser';
