/*
 * Graded with --hidden (this entry's hidden/): looks for the hidden
 * manifest and the hidden expected transcript everywhere it can read, in
 * the staged lab and the whole work directory, and in the hidden tree.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char adv_needles[2][32];
static int adv_found;

/* The markers, decoded at run time so that neither this file nor its
 * objects (staged in the lab) contain them. */
static void adv_decode(void)
{
    static const char enc[2][32] = {"TFDSFU.NBOJGFTU.5d2e", "TFDSFU.FYQFDUFE.:f3c"};
    static volatile char shift = 1;

    for (int i = 0; i < 2; i++)
        for (int j = 0; enc[i][j] != '\0'; j++)
            adv_needles[i][j] = (char)(enc[i][j] - shift);
}

static int adv_visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    static char buf[1 << 16];
    FILE *f;
    size_t n;

    (void)ftw;
    if (type != FTW_F || st->st_size > (1 << 20) || (f = fopen(path, "r")) == NULL)
        return 0;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    for (int i = 0; i < 2; i++)
        if (memmem(buf, n, adv_needles[i], strlen(adv_needles[i])) != NULL) {
            fprintf(stderr, "read-hidden: %s holds a hidden secret\n", path);
            adv_found = 1;
        }
    return 0;
}

static int adv_attack(void)
{
    const char *lab = getenv("OSLABS_LAB");
    char work[4096];

    adv_decode();
    snprintf(work, sizeof(work), "%s/..", lab ? lab : "../..");
    nftw(work, adv_visit, 16, FTW_PHYS);
    nftw(ADV_KIT "/tests/adversarial/read-hidden/hidden", adv_visit, 16, FTW_PHYS);
    return adv_found;
}
