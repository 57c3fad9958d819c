// Types of huge-pages.mjs for the TypeScript that imports it (tests, benchmarks, scripts).
export declare const HUGE_PAGE_TUNABLE: string;
export interface HostFacts {
  readonly platform: string;
  readonly glibcVersion: string | undefined;
  readonly thpMode: string | undefined;
}
export declare function parseTransparentHugePageMode(text: string | undefined): string | undefined;
export declare function hugePageRelaunchEnv(
  env: Readonly<Record<string, string | undefined>>,
  host: HostFacts | (() => HostFacts),
): Record<string, string | undefined> | null;
export declare function currentHost(): HostFacts;
export declare function hugePagesInEffect(
  env?: Readonly<Record<string, string | undefined>>,
  host?: HostFacts,
): boolean;
export declare function relaunchWithHugePages(): Promise<void>;
