#include <cstdio>
int main() { std::puts("mmr: work in progress"); return 0; }
