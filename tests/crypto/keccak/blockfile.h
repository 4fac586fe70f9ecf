/* Reader for the bracketed vector files of this folder's tests:
 *   [section title]            (or a bare "label:" line followed by a hex line, see below)
 *   Key    = HEX ... (N bytes)
 *            HEX continuation lines (indented)
 * Values are returned with the "(N bytes)" / "(empty)" annotations removed and spaces dropped. */
#ifndef QSTP_TEST_BLOCKFILE_H
#define QSTP_TEST_BLOCKFILE_H

#include <stddef.h>

#define BLOCK_MAX_FIELDS 32

typedef struct {
    char title[256];
    size_t count;
    char *key[BLOCK_MAX_FIELDS];
    char *value[BLOCK_MAX_FIELDS];
} block_rec;

typedef struct {
    char *text;   /* the whole file */
    char *cursor; /* next unread line */
    char *pending; /* a section line read ahead by block_next */
} block_file;

int block_open(block_file *f, const char *path);
/* 1 if a record was read, 0 at the end. Strings point into f->text and live until block_close. */
int block_next(block_file *f, block_rec *r);
const char *block_get(const block_rec *r, const char *key);
void block_close(block_file *f);

/* Trace files of the Keccak team: a "Label:" line followed by one line of spaced hex bytes (or
 * lanes). Returns the next (label, hex-without-spaces) pair, 0 at the end. */
int block_next_labelled(block_file *f, char **label, char **hex);

#endif
