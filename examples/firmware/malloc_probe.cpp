// Linked like the firmware but calls malloc and operator new: its link must fail (no _sbrk),
// which is what the "firmware cannot allocate" test checks.
#include <cstdlib>
#include <new>

int main() {
  void* p = std::malloc(16);
  int* q = new int(3);
  const int r = (p != nullptr) + *q;
  delete q;
  std::free(p);
  return r;
}
