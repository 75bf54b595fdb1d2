import type { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { AdapterFactory } from "./driver-types";

type Queryable = Awaited<ReturnType<PrismaPGlite["connect"]>>;
type Query = Parameters<Queryable["queryRaw"]>[0];
type ArgType = { scalarType?: string; arity?: string };

/**
 * `pglite-prisma-adapter` 0.6.1 for Prisma 6.19's client engine, which sends `Bytes` arguments
 * base64-encoded (as `@prisma/adapter-pg` expects); the adapter passes them on as text and PGlite
 * rejects them. This decodes them to bytes before every query, in and out of transactions.
 */
export function createPgliteAdapter(pglite: PGlite): AdapterFactory {
  const factory = new PrismaPGlite(pglite);
  const connect = factory.connect.bind(factory);
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connect = async () => decodingBytes(await connect());
  factory.connectToShadowDb = async () => decodingBytes(await connectToShadowDb());
  // Typed against driver-adapter-utils 6.10; with the argument decoding above it meets 6.19's contract.
  return factory as unknown as AdapterFactory;
}

function decodingBytes<T extends object>(target: T): T {
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj) as unknown;
      if (typeof value !== "function") return value;
      if (prop === "queryRaw" || prop === "executeRaw") {
        return (query: Query) => value.call(obj, { ...query, args: decodeArgs(query) });
      }
      if (prop === "startTransaction") {
        return async (...args: unknown[]) => decodingBytes(await value.apply(obj, args));
      }
      return value.bind(obj);
    },
  });
}

function decodeArgs(query: Query): unknown[] {
  const argTypes = (query as unknown as { argTypes?: ArgType[] }).argTypes ?? [];
  return query.args.map((arg, i) => decodeArg(arg, argTypes[i]));
}

function decodeArg(arg: unknown, type: ArgType | undefined): unknown {
  if (type?.scalarType !== "bytes" || arg === null) return arg;
  if (Array.isArray(arg) && type.arity === "list") return arg.map((item) => decodeArg(item, { scalarType: "bytes" }));
  if (Array.isArray(arg)) return Buffer.from(arg as number[]);
  return typeof arg === "string" ? Buffer.from(arg, "base64") : arg;
}
