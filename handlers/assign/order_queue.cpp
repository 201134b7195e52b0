#include "handlers/assign/order_queue.hpp"

#include <algorithm>
#include <cassert>
#include <tuple>

namespace supplybot::handlers {

namespace {

template <class E>
bool before(const E& e, const OrderKey& k) {
  return std::tie(e.created_at, e.id) < std::tie(k.created_at, k.id);
}

// Sweeping costs O(n); waiting until the dead outnumber the living (and a few of them) keeps it
// amortised O(1) per erase.
constexpr std::size_t k_sweep_floor = 32;

}  // namespace

OrderKey OrderQueue::const_iterator::operator*() const {
  return OrderKey{.not_urgent = run_, .created_at = at_->created_at, .id = at_->id};
}

OrderQueue::const_iterator& OrderQueue::const_iterator::operator++() {
  ++at_;
  settle();
  return *this;
}

void OrderQueue::const_iterator::settle() {
  while (run_ < 2) {
    const Run& run = run_ == 0 ? queue_->urgent_ : queue_->normal_;
    while (at_ != run.end() && at_->dead) ++at_;
    if (at_ != run.end()) return;
    ++run_;
    at_ = run_ == 1 ? queue_->normal_.begin() : Run::const_iterator{};
  }
}

OrderQueue::const_iterator OrderQueue::begin() const {
  const_iterator it{this, 0, urgent_.begin()};
  it.settle();
  return it;
}

void OrderQueue::insert(const OrderKey& key) {
  Run& run = run_of(key.not_urgent);
  ++live_;
  // The usual case: a new order, the youngest.
  if (run.empty() || before(run.back(), key)) {
    run.push_back(Entry{key.created_at, key.id, false});
    return;
  }
  auto at = std::lower_bound(run.begin(), run.end(), key, before<Entry>);
  // The same key left earlier (an order queued again) and its entry is still there: revive it.
  if (at != run.end() && at->created_at == key.created_at && at->id == key.id) {
    assert(at->dead);
    at->dead = false;
    --dead_;
    return;
  }
  run.insert(at, Entry{key.created_at, key.id, false});
}

void OrderQueue::erase(const OrderKey& key) {
  Run& run = run_of(key.not_urgent);
  auto at = std::lower_bound(run.begin(), run.end(), key, before<Entry>);
  assert(at != run.end() && at->id == key.id && !at->dead);
  --live_;
  if (at == run.begin()) {
    run.pop_front();
    while (!run.empty() && run.front().dead) {
      run.pop_front();
      --dead_;
    }
    return;
  }
  if (std::next(at) == run.end()) {
    run.pop_back();
    while (!run.empty() && run.back().dead) {
      run.pop_back();
      --dead_;
    }
    return;
  }
  at->dead = true;
  if (++dead_ > live_ && dead_ >= k_sweep_floor) sweep();
}

void OrderQueue::sweep() {
  for (Run* run : {&urgent_, &normal_}) {
    run->erase(std::remove_if(run->begin(), run->end(), [](const Entry& e) { return e.dead; }), run->end());
    run->shrink_to_fit();
  }
  dead_ = 0;
}

}  // namespace supplybot::handlers
