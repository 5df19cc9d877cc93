/**
 * Depth, breadth and cost limits checked at validation, so an expensive query
 * is refused as a whole before any resolver runs (the Pothos plugin's own
 * check runs per root field during execution and stays as a backstop). It
 * runs only on documents that passed the standard rules, so a typo is
 * reported once, as a typo.
 */
import { createComplexityRule } from "@pothos/plugin-complexity";
import { validate } from "graphql";
import type { Plugin } from "graphql-yoga";
import { LIMITS } from "./limits.ts";

interface RequestParams {
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export function useQueryLimits(): Plugin {
  return {
    onValidate({ params, context }) {
      return ({ result, setResult }) => {
        if (result.length > 0) return;
        const request = (context as { params?: RequestParams }).params;
        const rule = createComplexityRule({
          context,
          variableValues: request?.variables ?? {},
          operationName: request?.operationName ?? undefined,
          maxComplexity: LIMITS.complexity,
          maxDepth: LIMITS.depth,
          maxBreadth: LIMITS.breadth,
        });
        const errors = validate(params.schema, params.documentAST, [rule]);
        if (errors.length > 0) setResult([...errors]);
      };
    },
  };
}
