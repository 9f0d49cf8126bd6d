/**
 * The restore list: the archive's own table of contents (`pg_restore -l`) without the entries for
 * the schemas every sandbox image already has (`extensions`, `topology`: made by the image and
 * owned by the superuser, so the user's role could neither create nor comment on them again).
 * Everything else — including the rows users add to extension tables such as spatial_ref_sys
 * or topology.topology — is restored. pg_restore writes one entry per line and replaces newlines
 * in names, and -L reads only each line's leading id, so a hostile object name cannot add entries.
 */
const IMAGE_SCHEMAS = /^\d+; \d+ \d+ (SCHEMA -|ACL - SCHEMA|COMMENT - SCHEMA) (extensions|topology) postgres$/;

export function restoreList(toc: string): string {
  return toc
    .split('\n')
    .filter((line) => !IMAGE_SCHEMAS.test(line))
    .join('\n');
}
