/**
 * GraphQL over WebSocket (graphql-ws protocol, "graphql-transport-ws"),
 * executed through yoga's envelop so masking, limits and auth match HTTP.
 * The bearer token travels in the connection_init payload: { authorization }.
 */
import { GraphQLError, type ExecutionArgs } from "graphql";
import { handleProtocols, makeServer } from "graphql-ws";
import type { YogaServerInstance } from "graphql-yoga";
import type { SocketSession, UpgradeAccept } from "../runtime/serve.ts";
import { authenticate, type Role, type TokenSet } from "./auth.ts";
import type { ServerContext } from "./server-context.ts";
import type { ApiContext } from "./context.ts";

interface WsExtra {
  remoteAddress: string | null;
  role: Role | null;
}

export function makeWsUpgrade(yoga: YogaServerInstance<ServerContext, ApiContext>, tokens: TokenSet | null) {
  const server = makeServer<Record<string, unknown> | undefined, WsExtra>({
    // The token decides the role once per connection; a wrong or missing one closes it with 4403.
    onConnect(ctx) {
      const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
      const role = authenticate(tokens, typeof header === "string" ? header : null, ctx.extra.remoteAddress);
      if (role === null) return false;
      ctx.extra.role = role;
      return true;
    },
    async onSubscribe(ctx, _id, payload) {
      const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
        role: ctx.extra.role,
        remoteAddress: ctx.extra.remoteAddress,
        params: payload,
      } as never);
      let document;
      try {
        document = parse(payload.query);
      } catch (error) {
        return [new GraphQLError((error as Error).message, { extensions: { code: "GRAPHQL_PARSE_FAILED" } })];
      }
      const errors = validate(schema, document);
      if (errors.length > 0) {
        return errors.map((e: GraphQLError) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: e.extensions?.code ?? "GRAPHQL_VALIDATION_FAILED" } }));
      }
      const args: ExecutionArgs = {
        schema,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
        contextValue: await contextFactory(),
        rootValue: { execute, subscribe },
      };
      return args;
    },
    execute: (args) => (args.rootValue as { execute: (a: ExecutionArgs) => never }).execute(args),
    subscribe: (args) => (args.rootValue as { subscribe: (a: ExecutionArgs) => never }).subscribe(args),
  });

  return (request: Request, remoteAddress: string | null): UpgradeAccept | Response => {
    const protocol = handleProtocols(request.headers.get("sec-websocket-protocol") ?? "");
    if (!protocol) return new Response("unsupported WebSocket subprotocol; use graphql-transport-ws\n", { status: 400 });
    return {
      protocol,
      open(link): SocketSession {
        let onMessage: (data: string) => Promise<void> = async () => {};
        const closed = server.opened(
          {
            protocol,
            send: (data) => link.send(data),
            close: (code, reason) => link.close(code, reason),
            onMessage: (cb) => {
              onMessage = cb;
            },
          },
          { remoteAddress, role: null },
        );
        return {
          message: (data) => onMessage(data),
          closed: (code, reason) => closed(code, reason),
        };
      },
    };
  };
}
