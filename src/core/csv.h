/* Reading CSV as RFC 4180 defines it: fields separated by commas, records
 * ended by CRLF or LF, fields optionally in double quotes, where a quoted
 * field may hold commas, line breaks and doubled quotes ("").
 *
 * The input may carry passwords, so every byte read is kept in secret
 * memory (see secret.h) and wiped when the reader is closed: the stream is
 * switched to unbuffered mode so that stdio never holds a copy of its own.
 *
 * A record longer than the cap, a stray quote, an unterminated quoted field
 * or a NUL byte is an error for that record only: the reader reports it
 * with the line the record began on and carries on at the next line. A
 * line that goes on for 64 KiB past the cap is not skipped to its end
 * (/dev/zero has none): it stops the reader with PT_ERR_IO.
 */
#ifndef PT_CSV_H
#define PT_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"

#define PT_CSV_DEFAULT_MAX_RECORD 65536  /* bytes of field text per record */
#define PT_CSV_MAX_FIELDS 64

typedef struct pt_csv_reader pt_csv_reader;

enum pt_csv_result {
	PT_CSV_RECORD,    /* a record was read: see nfields/field */
	PT_CSV_END,       /* no more records */
	PT_CSV_ERROR      /* this record is bad (err says why); reading may go on,
	                     unless err->status is PT_ERR_IO (a read error, the
	                     time limit, a line without end): then it stops */
};

/* A reader of in, which must not have been read from yet (it is set to
 * unbuffered). max_record caps the bytes of one record's field text; 0
 * means PT_CSV_DEFAULT_MAX_RECORD. The reader does not own in. Free with
 * pt_csv_reader_close(). */
pt_csv_reader *pt_csv_reader_open(FILE *in, size_t max_record);

/* Bound the time spent waiting for input, over the whole input, to
 * seconds (0, the default: no bound). A pipe that stalls or trickles then
 * ends in a PT_ERR_IO error instead of holding the reader forever. */
void pt_csv_reader_set_time_limit(pt_csv_reader *r, double seconds);

/* Wipe every buffer and release the reader; NULL is fine. */
void pt_csv_reader_close(pt_csv_reader *r);

/* The next record. Lines holding nothing at all are skipped; a leading
 * UTF-8 byte order mark is skipped. */
enum pt_csv_result pt_csv_reader_next(pt_csv_reader *r, pt_error *err);

/* The fields of the last record read: NUL-terminated, in secret memory,
 * valid until the next call to pt_csv_reader_next or _close. */
size_t pt_csv_reader_nfields(const pt_csv_reader *r);
const char *pt_csv_reader_field(const pt_csv_reader *r, size_t i);

/* The line (from 1) on which the last record, good or bad, began. */
unsigned long pt_csv_reader_line(const pt_csv_reader *r);

/* Go back to the start of a seekable input, as if just opened. False when
 * the input cannot seek (a pipe). */
bool pt_csv_reader_rewind(pt_csv_reader *r);

#endif
