// The part of the WebAssembly JS API that chorus uses. Node provides the global; its TypeScript
// types live in the DOM libraries, which this project does not load (lib: ES2023 only).
declare namespace WebAssembly {
  interface ModuleExportDescriptor {
    readonly name: string;
    readonly kind: 'function' | 'global' | 'memory' | 'table' | 'tag';
  }
  class Module {
    constructor(bytes: Uint8Array);
    static exports(module: Module): ModuleExportDescriptor[];
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(deltaPages: number): number;
  }
  function validate(bytes: Uint8Array): boolean;
}
