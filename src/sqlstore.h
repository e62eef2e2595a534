/*
 * sqlstore.h -- internal face of the persistent store (sqlstore.c): the
 * SHA-256 it hashes contents and rule packs with, for its tests.
 */
#ifndef ASSAY_SQLSTORE_H
#define ASSAY_SQLSTORE_H

#include <stddef.h>
#include <stdint.h>

/* SHA-256 (FIPS 180-4), incremental. */
typedef struct sqls_sha256 {
  uint32_t h[8];
  uint64_t len; /* bytes hashed so far */
  unsigned char buf[64];
  size_t nbuf;
} sqls_sha256;

void sqls_sha256_init(sqls_sha256 *s);
void sqls_sha256_update(sqls_sha256 *s, const void *data, size_t n);
/* Writes the digest as 64 lower-case hex digits and a NUL. */
void sqls_sha256_hex(sqls_sha256 *s, char hex[65]);

#endif
