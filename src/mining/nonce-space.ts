/**
 * The nonce space a search covers: the header's nonce is a u32. Its own module so the
 * miner can name it without loading the nonce pool (Piscina and the kernels), which
 * MiningService loads on first use.
 */

/** One past the largest nonce. */
export const NONCE_SPACE = 2 ** 32;
