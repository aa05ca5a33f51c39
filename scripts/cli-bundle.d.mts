/** Types of scripts/cli-bundle.mjs for the tests that build the CLI as it ships. */
export declare const ESM_REQUIRE_BANNER: string
export declare const SCAN_COMMANDS: readonly string[]
export declare const SCAN_NODE_FLAGS: readonly string[]
export declare function nodeFlagsFor(command: string): readonly string[]
export declare function buildCli(root: string, outdir: string): Promise<void>
export declare const NODE_ENV_DROPPED: readonly string[]
export declare function cliEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv
