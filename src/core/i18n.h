/* Message translation: every user-facing string goes through _() or N_(),
 * and one that counts through P_() (the language's plural forms). */
#ifndef PT_I18N_H
#define PT_I18N_H

#if ENABLE_NLS
# include <libintl.h>
/* The pgtenant domain by name rather than the process's default: the core
 * also runs inside other programs (libpgtenant), whose domain is their own. */
# define _(s) dgettext(PACKAGE, s)
# define P_(one, many, n) dngettext(PACKAGE, one, many, n)
#else
# define _(s) (s)
# define P_(one, many, n) ((n) == 1 ? (one) : (many))
#endif
#define N_(s) (s)

#endif
