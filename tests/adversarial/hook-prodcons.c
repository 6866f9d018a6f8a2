
/* --- the hook (tests/adversarial/hook-prodcons.c): bbuf_create attacks first --- */
#undef bbuf_create
#include <stdlib.h>
#include <unistd.h>

bbuf_t *bbuf_create(size_t capacity)
{
    if (adv_attack()) {
        static const char msg[] = "ESCAPED: the attack reached past the sandbox\n";
        if (write(1, msg, sizeof(msg) - 1) < 0)
            abort();
        abort();
    }
    return oslabs_real_bbuf_create(capacity);
}
