/// <reference types="vite/client" />

declare module 'virtual:pglite-snapshot' {
  /** URL of the pristine PGlite data directory (gzipped tar), or null when the build has none. */
  const url: string | null;
  export default url;
}
