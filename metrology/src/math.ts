import {
  absDependencies,
  acosDependencies,
  addDependencies,
  andDependencies,
  asinDependencies,
  atan2Dependencies,
  atanDependencies,
  cbrtDependencies,
  ceilDependencies,
  compileDependencies,
  cosDependencies,
  create,
  derivativeDependencies,
  divideDependencies,
  eDependencies,
  equalDependencies,
  expDependencies,
  floorDependencies,
  hypotDependencies,
  largerDependencies,
  largerEqDependencies,
  log10Dependencies,
  logDependencies,
  maxDependencies,
  minDependencies,
  modDependencies,
  multiplyDependencies,
  notDependencies,
  orDependencies,
  piDependencies,
  powDependencies,
  roundDependencies,
  secDependencies,
  signDependencies,
  sinDependencies,
  smallerDependencies,
  smallerEqDependencies,
  sqrtDependencies,
  squareDependencies,
  subtractDependencies,
  tanDependencies,
  tauDependencies,
  unaryMinusDependencies,
  unaryPlusDependencies,
  unequalDependencies,
} from "mathjs";
import type { FactoryFunctionMap } from "mathjs";

/**
 * The one mathjs instance of the expression engine (procedure expressions, measurement models),
 * made by `create()` from only what expressions may use (docs/uncertainty.md): the parser, the
 * symbolic derivative, the operators, these functions and pi, e, tau. Importing whole mathjs made
 * every budget pay about 2 s of CPU; bundled (dist/cli) only these factories are kept. A name
 * outside the list is an undefined function, refused with the caller's error code.
 */
export const EXPRESSION_FUNCTIONS = [
  "abs", "sqrt", "cbrt", "square", "exp", "log", "log10", "sin", "cos", "tan", "sec", "asin", "acos", "atan", "atan2",
  "hypot", "min", "max", "floor", "ceil", "round", "sign", "mod",
] as const;

// mathjs declares each *Dependencies as possibly undefined; every one of these exists at run time.
export const FACTORIES: Record<string, FactoryFunctionMap | undefined> = {
  // syntax: parse and compile, the symbolic derivative (which simplifies its result)
  compileDependencies,
  derivativeDependencies,
  // operators: + - * / ^ %, unary - +, comparisons, and or not
  addDependencies,
  subtractDependencies,
  multiplyDependencies,
  divideDependencies,
  powDependencies,
  modDependencies,
  unaryMinusDependencies,
  unaryPlusDependencies,
  smallerDependencies,
  smallerEqDependencies,
  largerDependencies,
  largerEqDependencies,
  equalDependencies,
  unequalDependencies,
  andDependencies,
  orDependencies,
  notDependencies,
  // functions (EXPRESSION_FUNCTIONS); sec because the derivative of tan is written with it
  absDependencies,
  sqrtDependencies,
  cbrtDependencies,
  squareDependencies,
  expDependencies,
  logDependencies,
  log10Dependencies,
  sinDependencies,
  cosDependencies,
  tanDependencies,
  secDependencies,
  asinDependencies,
  acosDependencies,
  atanDependencies,
  atan2Dependencies,
  hypotDependencies,
  minDependencies,
  maxDependencies,
  floorDependencies,
  ceilDependencies,
  roundDependencies,
  signDependencies,
  // constants
  piDependencies,
  eDependencies,
  tauDependencies,
};

export const math = create(FACTORIES as FactoryFunctionMap);
