import type { LoginMethod, LoginState } from '../claude/login-state.js';

/** Which credential Claude Code uses, in words (never the credential itself). */
export function describeLoginMethod(method: LoginMethod): string {
  switch (method) {
    case 'api_key':
      return 'API key from ANTHROPIC_API_KEY';
    case 'oauth_token':
      return 'token from CLAUDE_CODE_OAUTH_TOKEN';
    case 'auth_token':
      return 'token from ANTHROPIC_AUTH_TOKEN';
    case 'claude_login':
      return 'Claude Code login from `claude login`';
    case 'cloud_provider':
      return 'cloud provider (Bedrock, Vertex or Foundry)';
    case 'none':
      return 'no login found';
  }
}

/** The login line of the banner: method, and what is known of it so far. */
export function describeLoginState(state: LoginState): string {
  const method = describeLoginMethod(state.method);
  switch (state.status) {
    case 'ok':
      return `${method}, confirmed`;
    case 'failed':
      return `${method}, refused by Claude. ${state.hint ?? ''}`.trim();
    case 'missing':
      return state.hint ?? method;
    case 'unknown':
      return `${method}, not confirmed yet (the first request will tell; \`claude-code-bridge doctor\` checks it now)`;
  }
}
