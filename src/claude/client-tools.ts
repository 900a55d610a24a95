import type { McpSdkServerConfigWithInstance } from '@anthropic-ai/claude-agent-sdk';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { ToolSpec } from '../core/types.js';
import type { ToolResultBroker } from './tool-result-broker.js';

/** Name of the in-process MCP server that carries the client's tools. */
export const CLIENT_TOOL_SERVER = 'client';
/** How Claude sees a client tool's name: `mcp__client__<name>`. */
export const CLIENT_TOOL_PREFIX = `mcp__${CLIENT_TOOL_SERVER}__`;

/**
 * The client's functions as an in-process MCP server. It is built on the
 * MCP SDK's low-level Server (inside an McpServer, which the Agent SDK takes) rather than the Agent SDK's `tool()` helper so
 * that Claude receives each JSON Schema exactly as the client wrote it (the
 * helper would round-trip it through zod and lose keywords). Its handler
 * never runs a tool: the bridge hands the call back to the client and the
 * handler waits for the result the client's next request brings (see
 * ToolResultBroker), for as long as `waitMs`.
 */
export function clientToolServer(tools: readonly ToolSpec[], broker: ToolResultBroker, waitMs: number): McpSdkServerConfigWithInstance {
  // The Agent SDK takes an McpServer; its low-level `server` carries the handlers (no tool is registered with the McpServer itself).
  const instance = new McpServer({ name: CLIENT_TOOL_SERVER, version: '1.0.0' }, { capabilities: { tools: {} } });
  const server = instance.server;
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: tools.map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: t.parameters as { type: 'object' },
      // Always in Claude's context, never deferred behind a tool search.
      _meta: { 'anthropic/alwaysLoad': true },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const toolUseId = (request.params._meta as Record<string, unknown> | undefined)?.['claudecode/toolUseId'];
    return broker.wait(typeof toolUseId === 'string' ? toolUseId : undefined);
  });
  return {
    type: 'sdk',
    name: CLIENT_TOOL_SERVER,
    // Claude Code must not give up on a call before the bridge does.
    timeout: waitMs,
    instance,
  };
}
