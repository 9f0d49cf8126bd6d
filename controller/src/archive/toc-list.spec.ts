import { restoreList } from './toc-list';

describe('restoreList', () => {
  const toc = [
    ';',
    '; Archive created at 2026-11-29 15:39:29 UTC',
    '11; 2615 18377 SCHEMA - t1 sandbox',
    '7; 2615 16390 SCHEMA - extensions postgres',
    '8; 2615 16391 SCHEMA - topology postgres',
    '4812; 0 0 ACL - SCHEMA extensions postgres',
    '4813; 0 0 COMMENT - SCHEMA topology postgres',
    '3; 3079 16800 EXTENSION - postgis ',
    '4587; 0 17122 TABLE DATA extensions spatial_ref_sys postgres',
    '4589; 0 18210 TABLE DATA topology topology postgres',
    '244; 1259 18464 TABLE public pts sandbox',
    '245; 1259 18465 TABLE public "SCHEMA - extensions" sandbox',
  ].join('\n');

  it('drops the image-made schemas, their ACLs and comments, and keeps everything else', () => {
    const kept = restoreList(toc).split('\n');
    expect(kept).not.toContain('7; 2615 16390 SCHEMA - extensions postgres');
    expect(kept).not.toContain('8; 2615 16391 SCHEMA - topology postgres');
    expect(kept).not.toContain('4812; 0 0 ACL - SCHEMA extensions postgres');
    expect(kept).not.toContain('4813; 0 0 COMMENT - SCHEMA topology postgres');
    expect(kept).toEqual(
      expect.arrayContaining([
        '11; 2615 18377 SCHEMA - t1 sandbox',
        '3; 3079 16800 EXTENSION - postgis ',
        '4587; 0 17122 TABLE DATA extensions spatial_ref_sys postgres',
        '4589; 0 18210 TABLE DATA topology topology postgres',
        '245; 1259 18465 TABLE public "SCHEMA - extensions" sandbox',
      ]),
    );
  });

  it('keeps a user\'s own schema whose name merely starts like an image schema (found by the attacker: "extensions old")', () => {
    for (const line of [
      '12; 2615 1 SCHEMA - extensions2 sandbox',
      '13; 2615 2 SCHEMA - extensions old sandbox',
      '14; 2615 3 SCHEMA - topology data sandbox',
      '15; 0 0 COMMENT - SCHEMA extensions old sandbox',
    ]) {
      expect(restoreList(line)).toBe(line);
    }
  });
});
