import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases'
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth'
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives'
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens'
import { GraphQLError, validate, type ValidationContext } from 'graphql'
import type { Plugin } from 'graphql-yoga'

/**
 * Document limits, from GraphQL Armor's standalone Yoga/envelop plugins: they are
 * maintained, small, and reject during parse/validation — before any resolver runs.
 * They are a second line: every try is already counted per resolver call in Redis, so
 * 100 aliased verifyOtp fields cost 100 tries whatever these limits say. What they add
 * is a cap on the work one request can ask for (parse time, fan-out, nesting).
 *
 * The numbers leave room for every real client query of this schema (at most a handful
 * of fields, nesting depth 3) and for GraphiQL; introspection is exempt from depth.
 */
export const graphqlLimits = {
  maxAliases: 10,
  maxDepth: 8,
  maxTokens: 1000,
  maxDirectives: 20,
  /** graphql-js reports up to 100 by default, each a GraphQLError with its stack. */
  maxValidationErrors: 5,
} as const

export function useGraphqlLimits(): Plugin[] {
  return [
    maxTokensPlugin({ ...refuse('The document has too many tokens.'), n: graphqlLimits.maxTokens }),
    maxDepthPlugin({ ...refuse('The document is nested too deeply.'), n: graphqlLimits.maxDepth, ignoreIntrospection: true, flattenFragments: true }),
    maxAliasesPlugin({ ...refuse('The document has too many aliases.'), n: graphqlLimits.maxAliases }),
    maxDirectivesPlugin({ ...refuse('The document has too many directives.'), n: graphqlLimits.maxDirectives }),
    useValidationErrorCap(graphqlLimits.maxValidationErrors),
  ] as Plugin[]
}

/**
 * Validation stops after a few errors: a client needs the first ones to fix its
 * document, and a document of unknown fields would otherwise cost a hundred errors
 * (suggestions computed, stacks captured) on every request.
 */
function useValidationErrorCap(maxErrors: number): Plugin {
  return {
    onValidate({ setValidationFn }) {
      setValidationFn((schema, document, rules, typeInfo) => validate(schema, document, rules, { maxErrors }, typeInfo))
    },
  }
}

/**
 * Armor's own rejection throws from inside validation, which Yoga answers as an
 * uncoded 200. Reporting a plain validation error instead gives the standard
 * GRAPHQL_VALIDATION_FAILED code and a 400 to graphql-response+json clients. The
 * token limit acts in the parser, where throwing is the normal path (a parse error).
 */
function refuse(message: string) {
  return {
    exposeLimits: false,
    errorMessage: message,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        if (!context) throw error
        context.reportError(new GraphQLError(message))
      },
    ],
  }
}
