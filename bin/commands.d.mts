export declare const COMMANDS: Readonly<Record<string, string>>;
export declare const SUITE_API: string;
export declare const BUNDLED_DIR: string;
export declare function bundledFile(source: string): string;
export declare function commandFile(root: string, source: string): string;
export declare function perfsiteRootAbove(dir: string): string;
