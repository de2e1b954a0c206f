/**
 * The few WebAssembly globals the SIMD kernel uses. Node has them all, but TypeScript
 * declares them only in its DOM and web-worker libraries, which this project does not load.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: Record<string, never>);
    readonly exports: Record<string, unknown>;
  }
  function validate(bytes: Uint8Array): boolean;
}
