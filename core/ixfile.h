/*
** ixfile.h — the on-disk index file: its format, shared by the writer (build.c),
** its checked reader (ixfile.c) and the Lua types over it (index.c, hits.c).
** docs/index-format.md describes the format for people.
**
** One file, little-endian, written to a temporary name and renamed into
** place.  A 4 KiB header holds the section table; every byte after the
** header is covered by a checksum per 4 KiB block, verified the first time
** a block is read, so a damaged index is reported, never trusted.
*/
#ifndef PARLEY_IXFILE_H
#define PARLEY_IXFILE_H

#include <stddef.h>
#include <stdint.h>

#define IX_MAGIC        "PARLEYIX"
/* Bump when the format, the tokeniser or folding changes what an index holds. */
#define IX_VERSION      9u
#define IX_HEADER_SIZE  4096u
/* The checksum block: 4 KiB, a page, so that a query that reads a few
** records checks a few pages, not a few 64 KiB blocks (a rare-word KWIC on
** 200 MB hashed 14 MB with 64 KiB blocks); the table is 1/512 of the file. */
#define IX_BLOCK_SHIFT  12u
#define IX_BLOCK_SIZE   (1u << IX_BLOCK_SHIFT)
#define IX_MAX_SECTIONS 96u
#define IX_NAME_LEN     24u
#define IX_SKIP         64u                 /* tokens per stream block */
#define IX_MAX_TOKENS   UINT32_MAX          /* positions are 32-bit */

/* Section names. */
#define IX_SEC_META      "meta"      /* JSON: corpus metadata, fingerprint, region kinds */
#define IX_SEC_STRINGS   "strings"   /* string blob: ids, paths, JSON, attribute values */
#define IX_SEC_DOCS      "docs"      /* ix_doc[ndocs] */
#define IX_SEC_LINES     "lines"     /* uint32 line starts, per document */
#define IX_SEC_TEXTS     "texts"     /* normalised texts of documents whose source differs */
#define IX_SEC_SRCMAP    "srcmap"    /* ix_anchor: maps from texts back to their sources' lines and columns */
#define IX_SEC_LEXSTR    "lexstr"    /* exact and folded type strings */
#define IX_SEC_EXACT     "exact"     /* ix_exact[nexact], id order = first seen */
#define IX_SEC_FOLD      "fold"      /* ix_fold[nfold], sorted by folded string */
#define IX_SEC_FOLDMAP   "foldmap"   /* uint32 exact ids grouped by folded type */
#define IX_SEC_LENS      "lens"      /* uint32 byte length per exact type (dense, for the stream decoder) */
#define IX_SEC_FREQ      "freqorder" /* uint32 folded ids by descending frequency */
#define IX_SEC_POSTINGS  "postings"  /* per exact type: varint deltas of positions */
#define IX_SEC_STREAM    "stream"    /* per token: varint exact id, varint gap */
#define IX_SEC_SKIPS     "skips"     /* ix_skip per IX_SKIP tokens */
#define IX_SEC_REGIONS   "regions"   /* ix_rkind[nkinds] */
#define IX_SEC_CHECKSUMS "checksums" /* uint64 per block (IX_BLOCK_SIZE) after the header */
/* An index of several segments: its file (the segment list) holds the index
** lexicon ("exact" … "lexstr", "meta", "strings") and these, and no tokens;
** the segments are index files of their own in PATH.seg/. */
#define IX_SEC_SEGMENTS  "segments"  /* ix_segrec per segment, in document order */
#define IX_SEC_L2G       "l2g"       /* uint32 per segment's exact type: its index id */
#define IX_SEC_BYG       "byg"       /* uint32 per segment's exact type: its ids sorted by index id */
#define IX_MAX_SEGMENTS  4096u

typedef struct ix_section {
  char name[IX_NAME_LEN];
  uint64_t offset, size;
} ix_section;

typedef struct ix_header {
  char magic[8];
  uint32_t version, header_size;
  uint64_t file_size;
  uint64_t ntokens;
  uint32_t ndocs, nsections;
  uint64_t nexact, nfold;
  uint64_t sums_checksum;            /* ix_hash of the "checksums" section */
  uint64_t reserved[3];
  uint64_t checksum;                 /* of the header with this field zero */
  ix_section sections[IX_MAX_SECTIONS];
} ix_header;

/* A string reference into the "strings" or "lexstr" blob. */
typedef struct ix_str { uint32_t off, len; } ix_str;

typedef struct ix_doc {
  uint64_t first;                    /* global position of the first token */
  uint32_t ntok;
  uint32_t flags;                    /* IX_DOC_* */
  uint64_t size;                     /* source fingerprint: size in bytes */
  int64_t mtime;                     /* ... modification time, seconds */
  uint32_t mtime_ns, nlines;
  uint64_t hash;                     /* ix_hash of the normalised text (not of the source bytes) */
  uint64_t lines;                    /* index of its first entry in "lines" */
  uint64_t text, text_len;           /* normalised text: offset in "texts" (IX_DOC_EMBEDDED) */
  ix_str path, id, meta;             /* meta is JSON */
  uint32_t nanchors;                 /* its map back to the source: srcmap[anchors .. anchors + nanchors) */
  uint32_t source;                   /* the source it was read from (0-based; a reader's source holds several) */
  uint64_t anchors;
  uint32_t nwords;                   /* its tokens that are words or numbers (pl_token_is_word) */
  uint32_t reserved;
} ix_doc;

/* A segment of an index of several, as its list records it. */
typedef struct ix_segrec {
  ix_str name;                       /* its file's name in PATH.seg/, in "strings" */
  uint64_t checksum;                 /* its header's checksum: the segment the list was made with */
  uint64_t ntokens;
  uint32_t ndocs, nexact;
  uint64_t map;                      /* its first entry in "l2g" and in "byg" (nexact each) */
  uint32_t nsources;                 /* the sources it was built from (documents' source numbers are below) */
  uint32_t reserved;
} ix_segrec;
_Static_assert(sizeof(ix_segrec) == 48, "ix_segrec is packed");

/* An anchor of a document's map back to its source (laid out as pl_anchor in parley.h). */
typedef struct ix_anchor { uint32_t text, src, line, col; } ix_anchor;
_Static_assert(sizeof(ix_anchor) == 16, "ix_anchor is four uint32");

enum { IX_DOC_EMBEDDED = 1, IX_DOC_REPAIRED = 2, IX_DOC_READ = 4 /* made by a reader (reader.h) */ };

typedef struct ix_exact {
  ix_str str;
  uint32_t fold;                     /* folded type id */
  uint32_t kind;                     /* PL_TOK_* */
  uint64_t freq;
  uint64_t post, post_len;           /* byte range in "postings" */
} ix_exact;

typedef struct ix_fold {
  ix_str str;
  uint64_t freq;
  uint32_t map, nmap;                /* its exact ids: foldmap[map .. map + nmap) */
  uint32_t kind, pad;
} ix_fold;

typedef struct ix_skip {
  uint64_t stream;                   /* byte offset in "stream" of token k * IX_SKIP */
  uint32_t start;                    /* that token's byte offset in its document */
  uint32_t doc;                      /* its document */
} ix_skip;

/* A region kind: a table of regions sorted by start, all with nattrs attributes. */
#define IX_MAX_ATTRS 16
#define IX_MAX_KINDS 32
typedef struct ix_rkind {
  ix_str name;                       /* in "strings" */
  uint32_t nattrs, pad;
  ix_str attrs[IX_MAX_ATTRS];        /* attribute names, in "strings" */
  uint64_t count;
  char section[IX_NAME_LEN];         /* records: uint32 start, uint32 end, ix_str values[nattrs] */
} ix_rkind;

/* The block checksum (64-bit, fast word-wise mixing). */
uint64_t ix_hash(const void *data, size_t len, uint64_t seed);

/* Varint (LEB128) helpers. */
static inline size_t ix_put_varint(unsigned char *p, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) { p[n++] = (unsigned char)(v | 0x80); v >>= 7; }
  p[n++] = (unsigned char)v;
  return n;
}

/* Decode a varint at *p (not past end); returns 0 on a malformed one. */
static inline int ix_get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v) {
  uint64_t r = 0;
  unsigned shift = 0;
  const unsigned char *q = *p;
  if (q < end && !(*q & 0x80)) { *v = *q; *p = q + 1; return 1; }  /* the common one-byte case */
  while (q < end && shift < 64) {
    unsigned char b = *q++;
    r |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) { *p = q; *v = r; return 1; }
    shift += 7;
  }
  return 0;
}


/*
** A token record of the stream: one varint v = id * 4 + code, where code
** 0 means the token starts 1 byte after the previous one ends (a space),
** 1 means 0 bytes (punctuation), 2 means 2 bytes, and 3 means a second
** varint with the gap follows.  Frequent words take one or two bytes.
*/
static inline size_t ix_put_token(unsigned char *p, uint32_t id, uint32_t gap) {
  unsigned code = gap == 1 ? 0 : gap == 0 ? 1 : gap == 2 ? 2 : 3;
  size_t n = ix_put_varint(p, (uint64_t)id * 4 + code);
  if (code == 3) n += ix_put_varint(p + n, gap);
  return n;
}

static inline int ix_get_token(const unsigned char **p, const unsigned char *end, uint64_t *id, uint64_t *gap) {
  uint64_t v;
  if (!ix_get_varint(p, end, &v)) return 0;
  *id = v >> 2;
  switch (v & 3) {
    case 0: *gap = 1; return 1;
    case 1: *gap = 0; return 1;
    case 2: *gap = 2; return 1;
    default: return ix_get_varint(p, end, gap);
  }
}

#endif

/* ---------------------------------------------------------------- reader (ixfile.c) */

struct ix_seg;

typedef struct ix_index {
  const unsigned char *base;         /* the mapping */
  size_t size;
  const ix_header *h;
  uint64_t body_end;                 /* checksummed bytes: [IX_HEADER_SIZE, body_end) */
  const uint64_t *sums;
  size_t nblocks;
  unsigned char *verified;           /* one bit per block, owned by the caller */
  int corrupt;                       /* a block failed its checksum */
  int lens_checked;                  /* the whole lens table has been verified */
  uint64_t ntokens, nexact, nfold;
  uint32_t ndocs, nkinds;
  const unsigned char *stream;   uint64_t stream_size;
  const unsigned char *postings; uint64_t postings_size;
  const ix_exact *exact;
  const ix_fold *fold;
  const uint32_t *foldmap, *freqorder, *lens;
  const char *lexstr;            uint64_t lexstr_size;
  const ix_doc *docs;
  const uint32_t *lines;         uint64_t nlines;
  const ix_anchor *anchors;      uint64_t nanchors;
  const char *texts;             uint64_t texts_size;
  const ix_skip *skips;          uint64_t nskips;
  const char *strings;           uint64_t strings_size;
  const ix_rkind *kinds;
  const uint32_t *regions[IX_MAX_KINDS];   /* each kind's records */
  const char *meta;              uint64_t meta_size;
  /* an index of several segments (ix_join): its segments, and the tables made of theirs */
  struct ix_seg *segs;           uint32_t nsegs;
  const ix_segrec *segrecs;      uint32_t nsegrecs;       /* the list's records (before ix_join) */
  const uint32_t *l2g, *byg;     uint64_t nmap;
  void *joined;                      /* the documents and strings made of the segments' (malloc) */
  uint32_t *joined_regions[IX_MAX_KINDS];   /* each kind's, made on first use (ix_join_regions) */
} ix_index;

/* A segment of an index of several: its own view, and where it lies in the whole. */
typedef struct ix_seg {
  ix_index ix;
  uint64_t tok0;                     /* the global position of its first token */
  uint32_t doc0, src0;               /* the global numbers of its first document and source */
  uint64_t str0;                     /* where its strings begin in the index's */
  const uint32_t *l2g, *byg;         /* its exact ids to the index's; its ids by index id */
  const char *name;                  /* its file's name (in the list's mapping) */
  uint32_t name_len;
  int l2g_checked;                   /* l2g verified whole (ix_seg_l2g) */
} ix_seg;

/* Verify segment s's l2g (in ix, its list) whole, the first time a cursor needs it; 0, or -1 if
** damaged.  The ids it holds are checked where they are used; byg is verified a block at a time
** by the binary search that reads it (query.c). */
int ix_seg_l2g(ix_index *ix, ix_seg *s);

/* Map the file read-only; 0, or -1 with a message. */
int ix_map(const char *path, const unsigned char **base, size_t *size, char *err, size_t errlen);
/* Bytes needed for the verification bitmap of a mapping of this size. */
size_t ix_bitmap_size(size_t size);
/*
** Check the header and the section table and set up views: 0, or with a
** message IX_EVERSION (a file of another format version, to be rebuilt)
** or -1 (anything else: not an index, or damaged).
*/
enum { IX_EVERSION = -2 };
int ix_init(ix_index *ix, const unsigned char *base, size_t size, unsigned char *bitmap,
            char *err, size_t errlen);
/*
** An index of several segments: ix is its list (ix_init found the segments
** section), segs[0..n) their views, opened in the list's order.  Checks that
** they are the segments the list names and agree with it and with each other,
** and makes the documents and strings of the whole; 0, or -1 with a message.
** ix_unjoin frees what it made.
*/
int ix_join(ix_index *ix, ix_seg *segs, uint32_t n, char *err, size_t errlen);
void ix_unjoin(ix_index *ix);
/* The records of region kind k of an index of several, made once; NULL if damaged or out of memory. */
const uint32_t *ix_join_regions(ix_index *ix, uint32_t k);
/* The view holding document d, and d's number there (ix and d themselves but for an index of several). */
static inline ix_index *ix_part(ix_index *ix, uint32_t d, uint32_t *ld) {
  if (ix->nsegs == 0) { *ld = d; return ix; }
  {
    ix_seg *s = &ix->segs[ix->docs[d].reserved];   /* ix_join put the segment there */
    *ld = d - s->doc0;
    return &s->ix;
  }
}

/* Verify the checksum blocks under [p, p + len) not yet verified; 0, or -1 if damaged. */
int ix_touch(ix_index *ix, const void *p, size_t len);
/* Drop the pages of [p, p + len) from this process's resident memory (they stay in the
** page cache, and a later read maps them again): a report that has read a large
** section once, such as the token stream, gives the memory back before it builds
** its output.  The index is always a read-only file mapping (ix_map), so nothing is lost. */
void ix_release(ix_index *ix, const void *p, size_t len);
/* A string of a blob, bounds-checked: NULL if the reference is out of range. */
const char *ix_blob(const char *blob, uint64_t blob_size, ix_str s);
/*
** A string of the index's "strings" (of an index of several: s.off counts
** across its segments' strings, one after the other, and the string is read
** where it lies), bounds-checked but not verified (ix_touch it); NULL if out
** of range.  *avail (if given): the bytes from it to the end of its blob.
*/
const char *ix_string(const ix_index *ix, ix_str s, uint64_t *avail);
/* Records of region kind k: their size in uint32 words. */
size_t ix_region_width(const ix_index *ix, uint32_t k);

/* A cursor over the token stream. */
typedef struct ix_cursor {
  const unsigned char *p;            /* next byte to decode */
  uint64_t pos;                      /* current token */
  uint64_t doc_end;                  /* first position after the current document */
  uint32_t doc;                      /* current document */
  uint32_t id;                       /* exact type of the current token */
  uint32_t seg, lid;                 /* an index of several: its segment, and the id there */
  uint32_t start, len;               /* its byte span in the document's text */
} ix_cursor;

/* Position c on token pos; 0, or -1 if the index is damaged there. */
int ix_seek(ix_index *ix, uint64_t pos, ix_cursor *c);
/*
** Advance to the next token; 0, or -1 if the index is damaged there.  Callers
** stop at the last token they want (never step past pos + 1 == ntokens), so
** -1 is always damage, to be raised (corpus_damaged), never the end of a list.
*/
int ix_next(ix_index *ix, ix_cursor *c);
/* Advance c to position pos (>= c's), as ix_next would step by step; 0, or -1 if damaged. */
int ix_walk(ix_index *ix, ix_cursor *c, uint64_t pos);
/* The document holding position pos (binary search). */
uint32_t ix_doc_of(const ix_index *ix, uint64_t pos);
/*
** 1-based line and column (in characters) in the original file of byte
** offset off of document d's text (text[0..off) must be readable); 0, or
** -1 if the index is damaged there.
*/
int ix_line_col(ix_index *ix, uint32_t d, const char *text, uint32_t off, uint32_t *line, uint32_t *col);
