/* Spins forever. */
static int adv_attack(void)
{
    for (volatile unsigned long i = 0;; i++)
        ;
    return 0;
}
