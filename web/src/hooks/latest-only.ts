/**
 * Lets only the newest of overlapping async loads write its result: a slower, older load
 * (the schema before a DDL, the tree of the session just left) must not overwrite a newer one.
 */
export class LatestOnly {
  private newest = 0;

  /** Starts a load; the returned check is true while no later load has started. */
  begin(): () => boolean {
    const mine = ++this.newest;
    return () => mine === this.newest;
  }
}
