/* Message translation: every user-facing string goes through _() or N_(),
 * and one that counts through P_() (the language's plural forms). */
#ifndef PT_I18N_H
#define PT_I18N_H

#if ENABLE_NLS
# include <libintl.h>
# define _(s) gettext(s)
# define P_(one, many, n) ngettext(one, many, n)
#else
# define _(s) (s)
# define P_(one, many, n) ((n) == 1 ? (one) : (many))
#endif
#define N_(s) (s)

#endif
