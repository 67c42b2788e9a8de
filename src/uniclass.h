/* Unicode classes matching Go's unicode.IsLetter, IsDigit and IsSpace. */
#ifndef TFL_UNICLASS_H
#define TFL_UNICLASS_H

#include <stdbool.h>
#include <stdint.h>

/* `cp` is in a letter category (Lu, Ll, Lt, Lm, Lo). */
bool tfl_uni_is_letter(uint32_t cp);

/* `cp` is a decimal digit (Nd), ASCII or not. */
bool tfl_uni_is_digit(uint32_t cp);

/* `cp` is white space for field splitting (Latin-1 spaces and Z*). */
bool tfl_uni_is_space(uint32_t cp);

/* The bytes of ASCII variable names: 1 for those that may start one
 * (letters and '_'), 2 for those that may only follow (digits), 0 for
 * every other byte. */
#define TFL_NAME_START 1
#define TFL_NAME_MORE 2
extern const unsigned char tfl_name_byte[256];

#endif
