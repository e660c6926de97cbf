/** What the lab is, and what to watch for, in a few lines. */
export function Header() {
  return (
    <header className="header">
      <h1>Super-convergence lab</h1>
      <p className="header__lede">
        Train a CIFAR ResNet on your own GPU, in this page, with Leslie Smith’s 1cycle policy: one
        big cycle of learning rate and momentum that lets large learning rates train a network in a
        fraction of the usual iterations.
      </p>
      <p className="header__hint">
        <strong>What to look for:</strong> the learning rate rises from LR min to LR max and falls
        back while momentum does the opposite. The smoothed training loss should keep falling; if it
        shoots up, LR max is too high. Watch the validation loss for the overfit bump: when it turns
        up while the training loss still falls, add weight decay or train for fewer epochs.
      </p>
    </header>
  );
}
