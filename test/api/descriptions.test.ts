/**
 * Every type, field, argument, input field and enum value of the schema has
 * a description: walked from the built schema object (not the printed SDL),
 * so an element added without one fails here, named.
 */
import { expect, test } from "bun:test";
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType, isUnionType, type GraphQLSchema } from "graphql";
import { schema } from "../../src/api/schema.ts";
import { HTTP_METHODS } from "../../src/config/keys.ts";
import { NOTIFY_EVENTS } from "../../src/config/notify.ts";
import { BACKFILL_STATES } from "../../src/engine/backfill.ts";

/** Paths of the schema's own elements (not the introspection types or graphql-js's built-in scalars) that lack a description. */
export function undescribed(s: GraphQLSchema): string[] {
  const missing: string[] = [];
  const need = (path: string, description: string | null | undefined) => {
    if (!description || description.trim() === "") missing.push(path);
  };
  for (const type of Object.values(s.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    if (isScalarType(type) && ["String", "Int", "Float", "Boolean", "ID"].includes(type.name)) continue;
    // The root types are named by their fields.
    const root = [s.getQueryType(), s.getMutationType(), s.getSubscriptionType()].includes(type as never);
    if (!root) need(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        need(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args) need(`${type.name}.${field.name}(${arg.name})`, arg.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) need(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) need(`${type.name}.${value.name}`, value.description);
    } else if (isUnionType(type)) {
      // a union's description is its type's, checked above
    }
  }
  return missing.sort();
}

test("every type, field, argument, input field and enum value of the schema has a description", () => {
  expect(undescribed(schema)).toEqual([]);
});

test("every deprecated field says what to use instead", () => {
  const vague: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.deprecationReason !== undefined && field.deprecationReason !== null && !/^Use [a-z]/.test(field.deprecationReason)) vague.push(`${type.name}.${field.name}: ${field.deprecationReason}`);
    }
  }
  expect(vague).toEqual([]);
});

test("closed sets are enums whose values are the words of the table that defines them", () => {
  const enumOf = (typeName: string, field: string) => {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
    let t = type.getFields()[field]!.type;
    while ("ofType" in t) t = t.ofType;
    if (!isEnumType(t)) throw new Error(`${typeName}.${field} is ${String(t)}, not an enum`);
    return t.getValues().map((v) => v.value as string).sort();
  };
  expect(enumOf("Backfill", "state")).toEqual(Object.keys(BACKFILL_STATES).sort());
  expect(enumOf("Notification", "event")).toEqual([...NOTIFY_EVENTS].sort());
  expect(enumOf("Job", "overlapPolicy")).toEqual(["allow", "queue", "skip"]);
  expect(enumOf("Job", "httpMethod")).toEqual([...HTTP_METHODS].sort());
});
